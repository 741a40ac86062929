package org.wardstream.episodes;

import org.wardstream.rules.EpisodeType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Deterministic episode ids: the first 32 hex characters (128 bits) of SHA-256 over
 * {@code patient pseudonym \n episode-type code \n detector version \n episode start (ISO-8601 instant, UTC)}.
 * A replay of the same data, or a retried write, gives the same id, so a FHIR server applies it idempotently.
 * The detector version is that of the transition that started the episode, kept in {@link EpisodeState}: every change
 * of the episode has the id of its OPENED alert, even when a later transition comes from a newer detector version (an
 * upgrade with a savepoint while the episode was open).
 */
public final class EpisodeIds {
    private EpisodeIds() {
    }

    public static String of(String patient, EpisodeType type, String detectorVersion, long episodeStartMs) {
        String input = patient + "\n" + type.code() + "\n" + detectorVersion + "\n" + Instant.ofEpochMilli(episodeStartMs);
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
