package org.wardstream.rhythm;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loading a model of fewer features than the analyser computes (af-model-v5's 16 beside the experiment's 17th). */
class AfModelTest {

    @Test
    void theShippedSixteenFeatureModelLoadsByNameWithTheNewFeatureAtWeightZero() {
        AfModel m = AfModel.DEFAULT;
        assertThat(m.version()).isEqualTo("af-model-v5");
        int at = Arrays.asList(AfModel.FEATURE_NAMES).indexOf("lorenz_occupancy");
        assertThat(at).isEqualTo(16);
        assertThat(m.coef()[at]).isZero();
        assertThat(m.coef()[0]).isEqualTo(0.935055);
        assertThat(m.coef()[15]).isEqualTo(-0.646003);
        // the new feature moves nothing
        double[] f = new double[AfModel.FEATURE_COUNT];
        Arrays.fill(f, 0.3);
        double p = m.probability(f);
        f[at] = 0.95;
        assertThat(m.probability(f)).isEqualTo(p);
    }

    @Test
    void aModelRoundTripsThroughItsJsonAndUnknownFeaturesAreRefused() {
        AfModel m = AfModel.DEFAULT;
        assertThat(AfModel.parse(m.toJson())).isEqualTo(m);
        String bad = "{\"version\": \"x\", \"features\": [\"nope\"], \"mean\": [0], \"scale\": [1], \"coef\": [1],"
                + " \"intercept\": 0, \"threshold\": 0.1, \"onset_threshold\": 0.5, \"trained_on\": \"t\"}";
        assertThatThrownBy(() -> AfModel.parse(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }
}
