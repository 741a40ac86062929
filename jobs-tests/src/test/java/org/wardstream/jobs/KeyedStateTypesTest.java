package org.wardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.PatientProfile;

/**
 * The keyed state that is not compact bytes with its own format version (those are tested in StateFormatsTest and
 * PatientEpisodesTest) is kept as Flink POJOs, whose serializer is versioned and evolves with the class (fields
 * added or removed restore from an older savepoint). A field that fell back to Kryo would have no such evolution.
 */
class KeyedStateTypesTest {

    @Test
    void pojoStateTypesAreFlinkPojosWithoutKryoFields() {
        org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
        // The equity job's PatientEquity, PatientDayRecord and WindowedDay are kept by EquityStateSerializers (own
        // versioned form, tested in EquityStateSerializersTest and EquityStateUpgradeTest), not as POJOs.
        for (Class<?> type : List.of(PatientProfile.class, DeviceReading.class)) {
            TypeInformation<?> info = TypeInformation.of(type);
            soft.assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            PojoTypeInfo<?> pojo = (PojoTypeInfo<?>) info;
            for (int i = 0; i < pojo.getArity(); i++) {
                soft.assertThat(pojo.getPojoFieldAt(i).getTypeInformation())
                        .as(type.getSimpleName() + "." + pojo.getPojoFieldAt(i).getField().getName())
                        .isNotInstanceOf(GenericTypeInfo.class);
            }
        }
        soft.assertAll();
    }
}
