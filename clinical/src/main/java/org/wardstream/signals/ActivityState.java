package org.wardstream.signals;

/**
 * Per-patient activity and wear state. Only {@link #WORN_STILL} feeds the inactivity rule; only
 * {@link #NO_DATA} feeds device-offline; {@link #NOT_WORN} is a wear reminder, never inactivity.
 */
public enum ActivityState {
    /** No data at all from the patient's devices for the silence limit or longer. */
    NO_DATA,
    /** Data arrives but the device is off body, charging, or its wear status is unknown and it is not moving. */
    NOT_WORN,
    /** Worn (on-body signal) and still (steps below the still threshold). */
    WORN_STILL,
    /** Moving (steps at or above the still threshold). */
    ACTIVE
}
