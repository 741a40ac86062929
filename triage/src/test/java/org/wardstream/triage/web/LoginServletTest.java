package org.wardstream.triage.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoginServletTest {
    @Test
    void afterLoginOnlyALocalPathIsARedirectTarget() {
        assertThat(LoginServlet.safeNext("/")).isEqualTo("/");
        assertThat(LoginServlet.safeNext("/index.html?filter=af")).isEqualTo("/index.html?filter=af");
        assertThat(LoginServlet.safeNext(null)).isEqualTo("/");
        assertThat(LoginServlet.safeNext("https://evil.example/")).isEqualTo("/");
        assertThat(LoginServlet.safeNext("//evil.example/")).isEqualTo("/");
        assertThat(LoginServlet.safeNext("/\\evil.example")).isEqualTo("/");
        assertThat(LoginServlet.safeNext("/a\r\nSet-Cookie: x=1")).isEqualTo("/");
    }
}
