package org.wardstream.equity.support;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.wardstream.equity.model.PatientDay;
import org.wardstream.equity.model.Strata;
import org.wardstream.schema.Stratifiers;

/**
 * A deterministic population for report tests: patient i is in IMD decile 2 * (i % 5 + 1) (quintiles 1..5 in
 * turn); a day has data in full when (i + d) % 10 is below 5 + quintile, otherwise half the day. So the most
 * deprived quintile has the fewest monitored days (by construction, 6 in 10 against 10 in 10). Every sixth patient
 * (i % 6 == 0) has a pacemaker recorded, the next one (i % 6 == 1) has none recorded either way, the rest have none:
 * of 150, 25 and 25, all of them female and in ICB QWE / male and in QHL, at most 5 in each IMD quintile
 * (suppressed).
 */
public final class SyntheticPopulation {
    private static final String[] ETHNIC = {"A", "A", "H", "N", "D", "R", "Z", "99"};
    private static final String[] AGE = {"65-74", "75-84", "45-64", "85+"};

    private SyntheticPopulation() {
    }

    /** The pacemaker record of patient i: TRUE, null (not recorded) or FALSE (see the class comment). */
    public static Boolean pacemaker(int i) {
        return i % 6 == 0 ? Boolean.TRUE : i % 6 == 1 ? null : Boolean.FALSE;
    }

    public static List<PatientDay> days(String programme, LocalDate start, int patients, int days) {
        List<PatientDay> out = new ArrayList<>();
        for (int i = 0; i < patients; i++) {
            int quintile = i % 5 + 1;
            Stratifiers st = Stratifiers.newBuilder().setImdDecile(i % 17 == 3 ? null : 2 * quintile)
                    .setImdEdition("IoD2019").setEthnicCategory(ETHNIC[(i / 5) % ETHNIC.length])
                    .setSexCode(i % 2 == 0 ? "2" : "1").setAgeBand(AGE[(i / 3) % AGE.length])
                    .setIcbCode(i % 3 == 0 ? "QWE" : "QHL").build();
            Strata strata = Strata.from(st);
            for (int d = 0; d < days; d++) {
                LocalDate day = start.plusDays(d);
                boolean full = (i + d) % 10 < 5 + quintile;
                int enrolled = 1440;
                int data = full ? 1440 : 720;
                Map<String, Integer> clinical = new HashMap<>();
                if ((i * 3 + d) % 11 == 0) {
                    clinical.put("atrial-fibrillation", 1);
                }
                int technical = full ? 0 : 1;
                List<Long> delays = new ArrayList<>();
                for (int k = 0; k < clinical.size() + technical; k++) {
                    delays.add(1000L * (1 + (i + d + k) % 30));
                }
                out.add(new PatientDay(programme, "pseudo-" + i, day, strata, 1440, enrolled, data,
                        PatientDay.isMonitored(enrolled, data, 0.7), clinical, technical, delays, clinical.size(),
                        (i + d) % 4 == 0 ? 0 : clinical.size(), d == 0, d == days - 1 && i % 9 == 0)
                        .withPacemaker(pacemaker(i)));
            }
        }
        return out;
    }
}
