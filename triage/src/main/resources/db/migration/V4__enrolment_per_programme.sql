-- wardstream triage service, schema version 4: one enrolment per programme and patient pseudonym.
--
-- A pseudonym is issued by a programme, so the same pseudonym in two programmes is two patients. V1 kept one row per
-- pseudonym (the latest enrolment record of any programme won), and every alert was filed under that row's programme:
-- one programme's clinicians saw the other's patient. Alert messages now name their programme (a meta.tag on the
-- Observation, Task and Provenance) and are filed under it; the enrolment is only the fallback for messages of
-- releases before that, and only when the pseudonym is enrolled in one programme (TaskStore.ingestAlert).
-- Existing rows keep their programme, patient and status, now keyed by both.
alter table enrolment drop constraint enrolment_pkey;
alter table enrolment add primary key (programme, patient);
create index enrolment_patient on enrolment (patient);
