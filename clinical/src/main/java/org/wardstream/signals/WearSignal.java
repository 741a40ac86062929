package org.wardstream.signals;

/** A device's wear status report. Charging is reported separately but means off body. */
public enum WearSignal {
    ON_BODY, OFF_BODY, CHARGING
}
