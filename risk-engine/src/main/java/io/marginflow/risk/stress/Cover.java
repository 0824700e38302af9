package io.marginflow.risk.stress;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The Cover-1 and Cover-2 figures of one scenario (CPMI-IOSCO PFMI Principle 4, EMIR article 29):
 * the largest member's uncovered loss, and the two largest members' together, with the members that
 * set them (largest first; ties in member order; only members with an uncovered loss).
 */
public record Cover(double cover1, double cover2, List<String> members) {

    public Cover {
        members = List.copyOf(members);
    }

    /** The figures of the members' uncovered losses. */
    public static Cover of(Map<String, Double> uncoveredByMember) {
        List<Map.Entry<String, Double>> largest = new ArrayList<>(uncoveredByMember.entrySet());
        largest.removeIf(member -> !(member.getValue() > 0.0));
        largest.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        List<String> members = new ArrayList<>();
        double cover1 = 0.0;
        double cover2 = 0.0;
        for (int i = 0; i < Math.min(2, largest.size()); i++) {
            members.add(largest.get(i).getKey());
            cover2 += largest.get(i).getValue();
            if (i == 0) {
                cover1 = cover2;
            }
        }
        return new Cover(cover1, cover2, members);
    }
}
