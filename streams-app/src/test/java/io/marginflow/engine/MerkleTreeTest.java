package io.marginflow.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

    private static final HexFormat HEX = HexFormat.of();

    /** The eight leaves of Certificate Transparency's Merkle tree test vectors (certificate-transparency, merkle_tree_test). */
    private static final List<byte[]> LEAVES = List.of("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
            "606162636465666768696a6b6c6d6e6f").stream().map(HEX::parseHex).toList();

    /**
     * The roots of the first 0 to 8 of those leaves, as the same test vectors give them; an
     * independent implementation of RFC 6962 section 2.1 (a few lines of Python's hashlib) gives
     * the same.
     */
    private static final List<String> ROOTS = List.of(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

    @Test
    void rootsAreThoseOfTheCertificateTransparencyTestVectors() {
        for (int n = 0; n <= 8; n++) {
            assertThat(HEX.formatHex(MerkleTree.of(LEAVES.subList(0, n)).root())).as(n + " leaves").isEqualTo(ROOTS.get(n));
        }
    }

    /** Audit paths computed independently (RFC 6962 section 2.1.1's PATH in Python). */
    @Test
    void auditPathsAreRfc6962s() {
        MerkleTree seven = MerkleTree.of(LEAVES.subList(0, 7));
        assertThat(seven.path(3).stream().map(HEX::formatHex)).containsExactly(
                "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
                "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e");
        assertThat(seven.path(6).stream().map(HEX::formatHex)).containsExactly(
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
        assertThat(MerkleTree.of(LEAVES.subList(0, 1)).path(0)).isEmpty();
    }

    @Test
    void everyLeafIsProvedInEveryTreeAndAnotherLeafPlaceOrPathIsNot() {
        List<byte[]> leaves = new ArrayList<>(LEAVES);
        IntStream.range(0, 30).mapToObj(i -> new byte[] {(byte) i, 7}).forEach(leaves::add);
        for (int n = 1; n <= leaves.size(); n++) {
            MerkleTree tree = MerkleTree.of(leaves.subList(0, n));
            byte[] root = tree.root();
            for (int m = 0; m < n; m++) {
                List<byte[]> path = tree.path(m);
                assertThat(MerkleTree.proves(leaves.get(m), m, n, path, root)).as("leaf %d of %d", m, n).isTrue();
                assertThat(MerkleTree.proves(new byte[] {42}, m, n, path, root)).as("another leaf").isFalse();
                if (n > 1) {
                    assertThat(MerkleTree.proves(leaves.get(m), (m + 1) % n, n, path, root)).as("another place").isFalse();
                }
                assertThat(MerkleTree.proves(leaves.get(m), m, n, path.subList(0, path.size() / 2), root))
                        .as("half the path").isEqualTo(path.isEmpty());
            }
        }
    }
}
