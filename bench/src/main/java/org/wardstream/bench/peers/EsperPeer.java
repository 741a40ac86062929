package org.wardstream.bench.peers;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.EPDeployException;
import com.espertech.esper.runtime.client.EPDeployment;
import com.espertech.esper.runtime.client.EPEventService;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.client.EPStatement;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.rules.Rules;

/**
 * The Esper peer: the {@link PeerFeatures} extraction and the {@link PeerRules#epl()} statements in one
 * Esper runtime, fed every reading in the calling thread (Esper's own timer thread off: the patterns are
 * driven by the rows alone).
 */
public final class EsperPeer implements AutoCloseable {
    private final EPRuntime runtime;
    private final EPEventService events;
    private final PeerFeatures features;
    private final List<AlertKey> alerts = new ArrayList<>();

    public EsperPeer(Rules rules) {
        Configuration config = new Configuration();
        config.getCommon().addEventType("PeerRow", PeerRow.class);
        config.getRuntime().getThreading().setInternalTimerEnabled(false);
        EPCompiled compiled;
        try {
            compiled = EPCompilerProvider.getCompiler().compile(new PeerRules(rules).epl(), new CompilerArguments(config));
        } catch (EPCompileException e) {
            throw new IllegalStateException("the EPL rules do not compile: " + e.getMessage(), e);
        }
        runtime = EPRuntimeProvider.getRuntime("wardstream-bench-" + UUID.randomUUID(), config);
        try {
            EPDeployment d = runtime.getDeploymentService().deploy(compiled);
            for (EPStatement st : d.getStatements()) {
                String type = st.getName();
                if (!AlertKey.TACHYCARDIA.equals(type) && !AlertKey.ATRIAL_FIBRILLATION.equals(type)) {
                    continue; // af-onset feeds atrial-fibrillation (insert into), it reports nothing itself
                }
                st.addListener((newData, oldData, statement, rt) -> {
                    if (newData != null) {
                        for (EventBean b : newData) {
                            collect(type, b);
                        }
                    }
                });
            }
        } catch (EPDeployException e) {
            runtime.destroy();
            throw new IllegalStateException("the EPL rules do not deploy: " + e.getMessage(), e);
        }
        events = runtime.getEventService();
        features = new PeerFeatures(rules);
    }

    private void collect(String type, EventBean b) {
        if (AlertKey.TACHYCARDIA.equals(type) && Boolean.TRUE.equals(b.get("af"))) {
            return; // explained by AF
        }
        alerts.add(new AlertKey(type, (String) b.get("patientId"), ((Number) b.get("startMs")).longValue()));
    }

    public void enrol(EnrolmentUpdate u) {
        features.enrol(u);
    }

    public void onReading(DeviceReading r) {
        features.onReading(r, this::send);
    }

    private void send(PeerRow row) {
        events.sendEventBean(row, "PeerRow");
    }

    /** Ends the input (closes open episodes) and returns every alert opened. */
    public List<AlertKey> finish() {
        features.endAll(this::send);
        return alerts;
    }

    @Override
    public void close() {
        runtime.destroy();
    }
}
