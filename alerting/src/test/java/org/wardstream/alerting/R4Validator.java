package org.wardstream.alerting;

import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

import java.util.List;

/** HAPI's instance validator against the base R4 specification only (no external terminology server). Test-only. */
final class R4Validator {

    private static volatile FhirValidator validator;

    private R4Validator() {
    }

    static synchronized FhirValidator get() {
        if (validator == null) {
            var ctx = FhirAlerts.fhirContext();
            ValidationSupportChain chain = new ValidationSupportChain(
                    new DefaultProfileValidationSupport(ctx),
                    new InMemoryTerminologyServerValidationSupport(ctx),
                    new CommonCodeSystemsTerminologyService(ctx));
            FhirInstanceValidator module = new FhirInstanceValidator(chain);
            FhirValidator v = ctx.newValidator();
            v.registerValidatorModule(module);
            validator = v;
        }
        return validator;
    }

    static List<SingleValidationMessage> validate(String json) {
        return get().validateWithResult(json).getMessages();
    }

    static boolean isErrorOrFatal(SingleValidationMessage m) {
        return m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL;
    }

    static String format(SingleValidationMessage m) {
        return m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage();
    }
}
