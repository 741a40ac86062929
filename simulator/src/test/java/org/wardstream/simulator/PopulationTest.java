package org.wardstream.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;

/** The cohort and the episode plan, without generating events (both are known up front). */
class PopulationTest {
    static Simulator big;

    @BeforeAll
    static void plan() {
        big = new Simulator(SimulatorConfig.defaults(3000, 3, 11));
    }

    static double share(List<SimulatedEnrolment> es, Function<Enrolment, Object> f, Set<?> values) {
        return es.stream().filter(e -> values.contains(f.apply(e.value()))).count() / (double) es.size();
    }

    @Test
    void stratifiersFollowAnOlderEnglishCohort() {
        List<SimulatedEnrolment> es = big.enrolments();
        assertThat(es).hasSize(3000);
        Function<Enrolment, Object> ethnic = e -> e.getStratifiers().getEthnicCategory();
        assertThat(share(es, ethnic, Set.of("A"))).isBetween(0.65, 0.74);
        assertThat(share(es, ethnic, Set.of("Z"))).isBetween(0.025, 0.055);
        assertThat(share(es, ethnic, Set.of("99"))).isBetween(0.018, 0.045);
        assertThat(share(es, ethnic, Set.of("H", "J", "K", "L"))).isBetween(0.06, 0.11);
        assertThat(share(es, ethnic, Set.of("M", "N", "P"))).isBetween(0.02, 0.06);
        assertThat(es.stream().map(e -> e.value().getStratifiers().getEthnicCategory()).collect(Collectors.toSet()))
                .isSubsetOf(SyntheticPatient.ETHNIC_CODES).hasSizeGreaterThan(15);
        Function<Enrolment, Object> age = e -> e.getStratifiers().getAgeBand();
        assertThat(share(es, age, Set.of("65-74", "75-84", "85+"))).isBetween(0.7, 0.8);
        assertThat(share(es, age, Set.of("18-44"))).isBetween(0.03, 0.09);
        Function<Enrolment, Object> sex = e -> e.getStratifiers().getSexCode();
        assertThat(share(es, sex, Set.of("1"))).isBetween(0.44, 0.51);
        assertThat(share(es, sex, Set.of("2"))).isBetween(0.48, 0.55);
        assertThat(share(es, sex, Set.of("9", "X"))).isBetween(0.001, 0.02);
        assertThat(es.stream().map(e -> e.value().getStratifiers().getIcbCode()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("QWE", "QKK", "QMJ", "QRV", "QOP");
        Map<Integer, Long> deciles = es.stream().filter(e -> e.value().getStratifiers().getImdDecile() != null)
                .collect(Collectors.groupingBy(e -> e.value().getStratifiers().getImdDecile(), Collectors.counting()));
        assertThat(deciles.keySet()).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(deciles.values()).allSatisfy(n -> assertThat(n).isBetween(220L, 380L));
        long unknownImd = es.stream().filter(e -> e.value().getStratifiers().getImdDecile() == null).count();
        assertThat(unknownImd).isBetween(5L, 60L);
    }

    @Test
    void enrolmentsAreActiveInLondonTimeFromTheStartOrLater() {
        LocalDate first = LocalDate.of(2026, 3, 2);
        for (SimulatedEnrolment e : big.enrolments()) {
            Enrolment v = e.value();
            assertThat(v.getPatientId()).isEqualTo(e.key().getPatientId()).matches("p\\d{6}");
            assertThat(v.getProgramme()).isEqualTo("virtual-ward").isEqualTo(e.key().getProgramme());
            assertThat(v.getStatus()).isEqualTo(EnrolmentStatus.ACTIVE);
            assertThat(v.getTimeZone()).isEqualTo("Europe/London");
            assertThat(v.getEnrolledOn()).isBetween(first, first.plusDays(2));
            assertThat(v.getEndedOn()).isNull();
            assertThat(v.getStratifiers().getImdEdition())
                    .isEqualTo(v.getStratifiers().getImdDecile() == null ? null : "IoD2019");
            assertThat(e.sourceId()).matches("dev-[0-9a-f]{12}");
        }
        long late = big.enrolments().stream().filter(e -> e.value().getEnrolledOn().isAfter(first)).count();
        assertThat(late).isBetween(50L, 200L);
        assertThat(big.enrolments().stream().map(SimulatedEnrolment::sourceId).distinct().count()).isEqualTo(3000);
    }

    @Test
    void theSameSeedGivesTheSamePeopleWhateverTheLength() {
        List<SimulatedEnrolment> one = new Simulator(SimulatorConfig.defaults(50, 1, 11)).enrolments();
        List<SimulatedEnrolment> three = big.enrolments().subList(0, 50);
        for (int i = 0; i < 50; i++) {
            assertThat(three.get(i).value().getStratifiers()).isEqualTo(one.get(i).value().getStratifiers());
            assertThat(three.get(i).sourceId()).isEqualTo(one.get(i).sourceId());
        }
    }

    @Test
    void offlineEpisodesAreMoreFrequentInDeprivedAreas() {
        Map<String, Integer> quintile = new HashMap<>();
        Map<Integer, Integer> patients = new HashMap<>();
        for (SimulatedEnrolment e : big.enrolments()) {
            Integer d = e.value().getStratifiers().getImdDecile();
            if (d != null) {
                quintile.put(e.key().getPatientId(), (d + 1) / 2);
                patients.merge((d + 1) / 2, 1, Integer::sum);
            }
        }
        Map<Integer, Integer> episodes = new HashMap<>();
        for (GroundTruthEpisode g : big.groundTruth()) {
            if (g.episodeType().equals(EpisodeTypes.DEVICE_OFFLINE) && quintile.containsKey(g.patientId())) {
                episodes.merge(quintile.get(g.patientId()), 1, Integer::sum);
            }
        }
        double[] rate = new double[6];
        for (int q = 1; q <= 5; q++) {
            rate[q] = episodes.getOrDefault(q, 0) / (double) patients.get(q);
        }
        assertThat(rate[1]).as("Q1 vs Q5 offline episodes per patient").isGreaterThan(3 * rate[5]);
        assertThat(rate[1]).isGreaterThan(rate[3]);
        assertThat(rate[3]).isGreaterThan(rate[5]);
        assertThat(rate[5]).isPositive();
    }

    @Test
    void episodeCountsAreTensNotHundredsForTwoHundredPatientsOverTwoDays() {
        Map<String, Long> n = new Simulator(SimulatorConfig.defaults(200, 2, 7)).episodesByType();
        assertThat(n.keySet()).containsExactlyElementsOf(EpisodeTypes.ALL);
        n.forEach((type, count) -> assertThat(count).as(type).isBetween(10L, 99L));
    }

    @Test
    void everyEpisodeLiesInThePeriodWithSensibleDurations() {
        var start = SimulatorConfig.DEFAULT_START;
        var end = big.config().end();
        for (GroundTruthEpisode g : big.groundTruth()) {
            assertThat(g.start()).isAfter(start).isBefore(g.end());
            assertThat(g.end()).isBefore(end);
            long minutes = java.time.Duration.between(g.start(), g.end()).toMinutes();
            switch (g.episodeType()) {
                case EpisodeTypes.PAUSE -> assertThat(minutes).isZero();
                case EpisodeTypes.ATRIAL_FIBRILLATION -> assertThat(minutes).isBetween(5L, 361L);
                case EpisodeTypes.TACHYCARDIA -> assertThat(minutes).isBetween(12L, 76L);
                case EpisodeTypes.BRADYCARDIA -> assertThat(minutes).isBetween(2L, 61L);
                case EpisodeTypes.INACTIVITY -> assertThat(minutes).isBetween(240L, 360L);
                case EpisodeTypes.DEVICE_OFFLINE -> assertThat(minutes).isBetween(120L, 600L);
                default -> throw new AssertionError(g);
            }
        }
    }
}
