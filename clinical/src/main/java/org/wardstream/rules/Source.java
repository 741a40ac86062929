package org.wardstream.rules;

import java.io.Serializable;
import java.util.List;

/**
 * A cited source for some of a rule's parameters.
 *
 * @param cite     the citation (guideline or service document), as a clinician would look it up
 * @param supports names of the parameters this source supports (each parameter needs at least one)
 * @param note     optional: how the source's statement maps to the threshold
 * @param url      optional: a stable link (DOI or publisher page)
 */
public record Source(String cite, List<String> supports, String note, String url) implements Serializable {
    public Source {
        supports = List.copyOf(supports);
    }
}
