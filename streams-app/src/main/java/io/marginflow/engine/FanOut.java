package io.marginflow.engine;

import java.util.List;
import java.util.function.Consumer;

/**
 * What an applied entry leaves to do, account by account, each account its own unit of work:
 * the exposed accounts, in account order, and what to do with each.
 */
record FanOut(List<String> accounts, Consumer<String> perAccount) {
    static final FanOut NONE = new FanOut(List.of(), account -> { });
}
