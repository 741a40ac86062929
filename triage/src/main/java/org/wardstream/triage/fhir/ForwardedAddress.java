package org.wardstream.triage.fhir;

import ca.uhn.fhir.rest.server.IncomingRequestAddressStrategy;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * The base URL the service writes into what a client follows (searchset {@code self}/{@code next} links, entry
 * {@code fullUrl}s, {@code Content-Location}, {@code Location}): the address the client used. Behind the reverse proxy
 * (docs/TRIAGE-SERVICE.md, "TLS in front") the request reaches the service on its internal address
 * ({@code http://127.0.0.1:8480}); the proxy names the public one in {@code X-Forwarded-Host} and
 * {@code X-Forwarded-Proto}, which are taken when well formed (a host name or address with an optional port;
 * {@code http} or {@code https}; of a comma-separated chain the first, the client's). Without them, the request's own
 * address, as before. Until probe 20b (D1) every link named the internal address: a client elsewhere following
 * {@code next} connected to its own loopback.
 */
final class ForwardedAddress extends IncomingRequestAddressStrategy {
    private static final Pattern HOST = Pattern.compile("(?:[A-Za-z0-9](?:[A-Za-z0-9.\\-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}\\])(?::[0-9]{1,5})?");
    private static final Pattern PROTO = Pattern.compile("https?");

    @Override
    public String determineServerBase(ServletContext ctx, HttpServletRequest req) {
        return base(super.determineServerBase(ctx, req), req.getHeader("X-Forwarded-Host"),
                req.getHeader("X-Forwarded-Proto"));
    }

    /** The base for a request whose own base is {@code own}, given its forwarded headers (null: absent). */
    static String base(String own, String forwardedHost, String forwardedProto) {
        String host = first(forwardedHost);
        if (host == null || !HOST.matcher(host).matches()) return own;
        String proto = first(forwardedProto);
        URI base = URI.create(own);
        String scheme = proto != null && PROTO.matcher(proto.toLowerCase(java.util.Locale.ROOT)).matches()
                ? proto.toLowerCase(java.util.Locale.ROOT) : base.getScheme();
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        return scheme + "://" + host + path;
    }

    /** The first value of a comma-separated header (the client's end of a proxy chain), trimmed; null if none. */
    static String first(String header) {
        if (header == null) return null;
        String v = header.split(",", 2)[0].trim();
        return v.isEmpty() ? null : v;
    }
}
