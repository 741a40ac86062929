package org.wardstream.jobs;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A secret given by reference, never by value: a file (e.g. a mounted Kubernetes Secret) or an environment
 * variable, read where the secret is used (on the TaskManager, when a sink opens its connection). Only the
 * reference travels in the job graph, on command lines and in logs; the value stays on the machine that holds it.
 *
 * @param file    path of a file whose content (one trailing line break removed) is the secret, or null
 * @param envVar  name of an environment variable holding the secret, or null
 */
public record SecretRef(String file, String envVar) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** No secret (e.g. a PostgreSQL server that authenticates by certificate or peer). */
    public static SecretRef none() {
        return new SecretRef(null, null);
    }

    public static SecretRef ofFile(String path) {
        return new SecretRef(path, null);
    }

    public static SecretRef ofEnv(String name) {
        return new SecretRef(null, name);
    }

    /**
     * The secret, or null when there is none (no reference, or an environment variable that is not set). A file
     * that cannot be read or is empty is an error that names the file, never its content.
     */
    public String resolve() {
        if (file != null) {
            String text;
            try {
                text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the secret file " + file + ": " + e, e);
            }
            if (text.endsWith("\n")) {
                text = text.substring(0, text.length() - (text.endsWith("\r\n") ? 2 : 1));
            }
            if (text.isEmpty()) {
                throw new IllegalStateException("the secret file " + file + " is empty");
            }
            return text;
        }
        if (envVar != null) {
            String value = System.getenv(envVar);
            return value == null || value.isEmpty() ? null : value;
        }
        return null;
    }

    /** Where the secret comes from, never the secret. */
    @Override
    public String toString() {
        return file != null ? "file " + file : envVar != null ? "environment variable " + envVar : "none";
    }
}
