package org.wardstream.equity.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Adversarial probe 17b, D12: the words "suppressed" (and whole suppressed rows) in the commissioners' report are grey
 * text below the WCAG 2.2 AA contrast minimum.
 *
 * <p>{@code EquityReport.CSS}: {@code .supp{color:#718096}} and {@code .suppressed-row td{color:#718096}} on white
 * (4.02:1) and on the table header grey #f7fafc (3.83:1), at 0.85 rem (13.6 px, italic): AA needs 4.5:1 for text of
 * that size. "A suppressed cell is not a zero" is the reading the report asks of every commissioner, and the
 * suppressed marker is the faintest text on the page. Measured in real chromium: the report (the report tests'
 * programme, every section open) is loaded with a small script appended that computes, for every element with its own
 * text, the colour chromium applies and the first opaque background behind it, and writes the contrast of those below
 * 4.5:1 into the page; {@code --dump-dom} returns it.
 */
class ReportContrastTest {
    static final String MEASURE = """
            <script>
            (() => {
              const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
              const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92
                  : Math.pow((x + 0.055) / 1.055, 2.4); }); return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
              const bg = e => { for (let n = e; n; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor);
                  if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c; } return [255, 255, 255]; };
              const low = [];
              document.querySelectorAll('main *').forEach(e => {
                if (e.closest('svg')) return;
                const own = [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join('');
                if (!own) return;
                const st = getComputedStyle(e);
                if (st.display === 'none' || st.visibility === 'hidden') return;
                const fg = rgb(st.color), b = bg(e);
                const l1 = lum(fg), l2 = lum(b);
                const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
                const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight, 10) >= 700;
                const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
                if (ratio < needed) low.push(ratio.toFixed(2) + ':1 ' + st.color + ' on rgb(' + b.join(',') + ') '
                    + size + 'px "' + own.slice(0, 30) + '"');
              });
              const out = document.createElement('pre');
              out.id = 'contrast-result';
              out.textContent = 'LOW ' + low.length + '\\n' + low.slice(0, 20).join('\\n');
              document.body.append(out);
            })();
            </script>
            """;

    @Test
    void everyTextOfTheReportMeetsAaContrast() throws Exception {
        ChromiumRenderTest.dir = Paths.get("target", "chromium-p17b-" + UUID.randomUUID()).toAbsolutePath();
        Files.createDirectories(ChromiumRenderTest.dir);
        String page = EquityReport.render(EquityReportTest.published()).replace("<details", "<details open")
                .replace("</body>", MEASURE + "</body>");
        Path html = ChromiumRenderTest.dir.resolve("equity-report-contrast.html");
        Files.writeString(html, page, StandardCharsets.UTF_8);
        String dom = ChromiumRenderTest.runOn(html, "--dump-dom", "--window-size=1280,2000");
        Matcher m = Pattern.compile("<pre id=\"contrast-result\">LOW (\\d+)\\n?([^<]*)</pre>").matcher(dom);
        assertThat(m.find()).as("the measuring script ran in chromium").isTrue();
        assertThat(Integer.parseInt(m.group(1))).as("texts below WCAG 2.2 AA contrast, e.g.:%n%s", m.group(2)).isZero();
    }
}
