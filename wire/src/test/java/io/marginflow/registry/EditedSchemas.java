package io.marginflow.registry;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/** Edits of the project's schemas, as a schema change would make them, for compatibility tests. */
public final class EditedSchemas {

    private EditedSchemas() {}

    /** {@code record} plus a field {@code venue} of {@code type}; required where {@code defaultValue} is null. */
    public static Schema withVenue(Schema record, Schema.Type type, Object defaultValue) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : record.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(new Schema.Field("venue", Schema.create(type), "Trading venue.", defaultValue));
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }
}
