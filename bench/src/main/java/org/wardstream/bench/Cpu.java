package org.wardstream.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this process and the machine's load: under a shared machine wall-clock throughput measures the other
 * tenants as much as the code, while the process's own CPU-seconds per record do not (to first order: caches and
 * frequency still are shared).
 */
final class Cpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private Cpu() {
    }

    /** CPU time used by every thread of this JVM so far, ns. */
    static long processNanos() {
        return OS.getProcessCpuTime();
    }

    /** The 1-, 5- and 15-minute load averages from /proc/loadavg, or the JVM's 1-minute figure elsewhere. */
    static double[] loadAverages() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (java.io.IOException | RuntimeException e) {
            double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return new double[] {l, Double.NaN, Double.NaN};
        }
    }

    /** The CPU model from /proc/cpuinfo, or null. */
    static String model() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(null);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
