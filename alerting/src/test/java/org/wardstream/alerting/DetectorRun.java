package org.wardstream.alerting;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.wardstream.detector.PatientDetector;
import org.wardstream.detector.PatternCue;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.DetectorPath;
import org.wardstream.episodes.EpisodeState;
import org.wardstream.episodes.Transition;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;

/** Test helper: the plain-Java detector's transitions through the lifecycle, as the job's operators run them. */
final class DetectorRun {
    private DetectorRun() {
    }

    /** An output that keeps the detector's transitions in {@code transitions} and nothing else. */
    static PatientDetector.Output collecting(List<Transition> transitions) {
        return new PatientDetector.Output() {
            @Override
            public void transition(Transition t, String programme, long delayedByMs, long receivedMs) {
                transitions.add(t);
            }

            @Override
            public void cue(PatternCue cue) {
            }
        };
    }

    /** One patient's transitions, in order, through the lifecycle with {@code rules}: its alert changes. */
    static List<AlertChange> alertChanges(EffectiveRules rules, List<Transition> transitions) {
        Map<EpisodeType, EpisodeState> states = new EnumMap<>(EpisodeType.class);
        List<AlertChange> changes = new ArrayList<>();
        DetectorPath.lifecycle(transitions, ty -> states.computeIfAbsent(ty, x -> new EpisodeState()), rules,
                changes::add, null);
        return changes;
    }
}
