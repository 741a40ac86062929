package org.wardstream.episodes;

import org.wardstream.rules.EpisodeType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Deterministic episode ids: the first 32 hex characters (128 bits) of SHA-256 over
 * {@code programme \n patient pseudonym \n episode-type code \n detector version \n episode start (ISO-8601 instant,
 * UTC)} ({@link #SCHEME_PROGRAMME}). A pseudonym is issued by a programme, so the same pseudonym in two programmes is
 * two patients: their episodes never share an id, even when they start at the same instant. A replay of the same
 * data, or a retried write, gives the same id, so a FHIR server applies it idempotently.
 * The detector version is that of the transition that started the episode, kept in {@link EpisodeState}: every change
 * of the episode has the id of its OPENED alert, even when a later transition comes from a newer detector version (an
 * upgrade with a savepoint while the episode was open). The id scheme is kept there the same way: an episode started
 * by a release whose ids left the programme out ({@link #SCHEME_PSEUDONYM}) keeps that id for its whole life.
 */
public final class EpisodeIds {
    /**
     * The scheme of releases before the programme was part of the id: SHA-256 over {@code pseudonym \n type \n detector
     * version \n start}. Only episodes open (or last alerted, or last suppressed) across the upgrade still use it.
     */
    public static final byte SCHEME_PSEUDONYM = 1;
    /** The current scheme: the programme first, then as {@link #SCHEME_PSEUDONYM}. */
    public static final byte SCHEME_PROGRAMME = 2;
    /** The scheme every new episode gets. */
    public static final byte CURRENT_SCHEME = SCHEME_PROGRAMME;

    private EpisodeIds() {
    }

    /**
     * The id of a new episode ({@link #CURRENT_SCHEME}).
     *
     * @param programme the programme that issued the pseudonym; null when none is known (tests, the validation, which
     *                  run one patient at a time), hashed as an empty programme
     */
    public static String of(String programme, String patient, EpisodeType type, String detectorVersion,
                            long episodeStartMs) {
        return of(CURRENT_SCHEME, programme, patient, type, detectorVersion, episodeStartMs);
    }

    /**
     * The id of an episode under the scheme that started it.
     *
     * @param scheme {@link #SCHEME_PROGRAMME}, or {@link #SCHEME_PSEUDONYM} (the programme is then left out)
     */
    public static String of(byte scheme, String programme, String patient, EpisodeType type, String detectorVersion,
                            long episodeStartMs) {
        String tail = patient + "\n" + type.code() + "\n" + detectorVersion + "\n" + Instant.ofEpochMilli(episodeStartMs);
        String input = switch (scheme) {
            case SCHEME_PSEUDONYM -> tail;
            case SCHEME_PROGRAMME -> (programme == null ? "" : programme) + "\n" + tail;
            default -> throw new IllegalArgumentException("unknown episode id scheme " + scheme);
        };
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
