package io.marginflow.engine;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Merkle tree hash as Certificate Transparency defines it (RFC 6962 section 2.1, RFC 9162
 * section 2.1) over SHA-256: a leaf's hash is {@code SHA-256(0x00 || leaf)}, a node's
 * {@code SHA-256(0x01 || left || right)}, the tree of n leaves splits at the largest power of two
 * below n, and the empty tree's hash is {@code SHA-256()}. Audit paths ({@link #path}) prove that a
 * leaf is in a tree with a given root, and {@link #proves} checks one without the other leaves.
 */
public final class MerkleTree {

    private final List<byte[]> leafHashes;

    private MerkleTree(List<byte[]> leafHashes) {
        this.leafHashes = leafHashes;
    }

    /** The tree over {@code leaves}, in their order. */
    public static MerkleTree of(List<byte[]> leaves) {
        List<byte[]> hashes = new ArrayList<>(leaves.size());
        for (byte[] leaf : leaves) {
            hashes.add(leafHash(leaf));
        }
        return new MerkleTree(hashes);
    }

    public int size() {
        return leafHashes.size();
    }

    /** The tree's hash (its root). */
    public byte[] root() {
        return leafHashes.isEmpty() ? Sha256.of(new byte[0]) : hash(0, leafHashes.size());
    }

    /**
     * The audit path of leaf {@code index}: the sibling hashes from the leaf up to the root
     * (RFC 6962 section 2.1.1, {@code PATH(m, D[n])}).
     */
    public List<byte[]> path(int index) {
        if (index < 0 || index >= leafHashes.size()) {
            throw new IndexOutOfBoundsException("leaf " + index + " of a tree of " + leafHashes.size());
        }
        List<byte[]> path = new ArrayList<>();
        collectPath(index, 0, leafHashes.size(), path);
        return path;
    }

    /**
     * Whether {@code path} proves that {@code leaf} is leaf {@code index} of a tree of {@code size}
     * leaves whose root is {@code root} (RFC 9162 section 2.1.3.2).
     */
    public static boolean proves(byte[] leaf, int index, int size, List<byte[]> path, byte[] root) {
        if (index < 0 || index >= size) {
            return false;
        }
        long fn = index;
        long sn = size - 1L;
        byte[] r = leafHash(leaf);
        for (byte[] sibling : path) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = node(sibling, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = node(r, sibling);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(r, root);
    }

    /** {@code SHA-256(0x00 || leaf)}. */
    public static byte[] leafHash(byte[] leaf) {
        MessageDigest digest = Sha256.digest();
        digest.update((byte) 0);
        return digest.digest(leaf);
    }

    private static byte[] node(byte[] left, byte[] right) {
        MessageDigest digest = Sha256.digest();
        digest.update((byte) 1);
        digest.update(left);
        return digest.digest(right);
    }

    /** The hash of leaves {@code [from, to)}, {@code to > from}. */
    private byte[] hash(int from, int to) {
        if (to - from == 1) {
            return leafHashes.get(from);
        }
        int split = from + largestPowerOfTwoBelow(to - from);
        return node(hash(from, split), hash(split, to));
    }

    private void collectPath(int index, int from, int to, List<byte[]> path) {
        if (to - from == 1) {
            return;
        }
        int split = from + largestPowerOfTwoBelow(to - from);
        if (index < split) {
            collectPath(index, from, split, path);
            path.add(hash(split, to));
        } else {
            collectPath(index, split, to, path);
            path.add(hash(from, split));
        }
    }

    /** The largest power of two strictly below {@code n} (n ≥ 2). */
    private static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }
}
