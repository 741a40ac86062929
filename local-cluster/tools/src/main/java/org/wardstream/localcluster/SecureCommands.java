package org.wardstream.localcluster;

import java.nio.file.Path;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import org.wardstream.embedded.SecureBrokerFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code local-cluster/start --secure}: the certificate authority, keystores, SCRAM credentials and client settings
 * ({@link SecureBrokerFiles}, every secret in a 0600 file), and formatting the broker's storage with the SCRAM
 * users in this JVM, so that no password is ever an argument of a process.
 */
final class SecureCommands {
    private SecureCommands() {
    }

    @Command(name = "secure-setup", description = {"Creates (or reuses) the TLS and SCRAM files in --dir and prints "
            + "the broker's security settings (key=value lines, secrets by ${file:...} reference only)."})
    static final class Setup implements Callable<Integer> {
        @Option(names = "--dir", required = true) Path dir;

        @Override
        public Integer call() throws Exception {
            var settings = SecureBrokerFiles.createOrReuse(dir).brokerSettings();
            for (String key : new TreeSet<>(settings.stringPropertyNames())) {
                System.out.println(key + "=" + settings.getProperty(key));
            }
            return 0;
        }
    }

    @Command(name = "secure-format", description = "Formats KRaft storage (--standalone) with the SCRAM users of --dir.")
    static final class Format implements Callable<Integer> {
        @Option(names = "--dir", required = true) Path dir;
        @Option(names = "--config", required = true, description = "The broker's server.properties.") Path config;
        @Option(names = "--cluster-id", required = true) String clusterId;

        @Override
        public Integer call() throws Exception {
            System.err.print(SecureBrokerFiles.createOrReuse(dir).formatStorage(config, clusterId));
            return 0;
        }
    }
}
