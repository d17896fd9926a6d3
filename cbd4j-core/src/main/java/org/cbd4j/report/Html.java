package org.cbd4j.report;

import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The page around the report's sections: one HTML file with its style sheet inline, images as
 * base64 data, no script and nothing fetched, so it opens from disk anywhere.
 */
final class Html {

    private Html() {}

    private static final String CSS = String.join("\n",
            "body{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;color:#222;margin:0 auto;max-width:1000px;",
            "padding:16px 24px 48px;line-height:1.4;font-size:14px;background:#fff}",
            "h1{font-size:24px;margin:8px 0 4px}h2{font-size:19px;margin:28px 0 8px;padding-bottom:4px;",
            "border-bottom:2px solid #4e79a7}h3{font-size:15px;margin:12px 0 4px}",
            ".sub{color:#555;margin:0 0 12px}.note{color:#444}.missing{color:#8a5a00;background:#fff7e6;",
            "border-left:4px solid #f28e2b;padding:6px 10px}",
            ".figures{display:flex;flex-wrap:wrap;gap:12px 20px}figure{margin:0}figcaption{font-size:12px;color:#444;",
            "max-width:460px}",
            "table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}th,td{border:1px solid #ccc;",
            "padding:3px 8px;text-align:left}td:first-child{white-space:nowrap}th{background:#f0f3f7}td.num{text-align:right;font-variant-numeric:",
            "tabular-nums}",
            "pre{background:#f6f8fa;padding:8px;overflow-x:auto;font-size:12px;max-height:420px}",
            "img.pixelated{image-rendering:pixelated;border:1px solid #ccc}",
            "svg.chart{background:#fff;border:1px solid #e3e3e3}",
            "svg .grid-line{stroke:#e8e8e8}svg .axis-line,svg .tick-mark{stroke:#444}",
            "svg text{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;fill:#333}",
            "svg .tick{font-size:11px}svg .axis-label{font-size:12px;font-weight:bold}",
            "svg .legend-text{font-size:11px}svg .note{font-size:11px;fill:#000}",
            "svg .line{stroke-width:2}svg line.threshold{stroke:#000;stroke-width:1.5;stroke-dasharray:5 3}",
            "svg .bar{fill-opacity:.85}svg .point{fill-opacity:.55}",
            "svg .point.poisoned{fill-opacity:.9;stroke:#000;stroke-width:.4}",
            "svg .count{font-size:10px}svg .count.light{fill:#fff}svg .value{font-size:9px}",
            "svg .cell{stroke:#fff;stroke-width:.5}");

    /** The whole page. */
    static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + esc(title)
                + "</title>\n<style>\n" + CSS + "\n</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
    }

    /** A section with its heading. */
    static String section(String id, String heading, String content) {
        return "<section id=\"" + id + "\" class=\"report-section\">\n<h2>" + esc(heading) + "</h2>\n" + content
                + "</section>\n";
    }

    /** Why a part of the report is not there. */
    static String missing(String why) {
        return "<p class=\"missing\">" + esc(why) + "</p>\n";
    }

    /** An explanatory paragraph. */
    static String note(String text) {
        return "<p class=\"note\">" + esc(text) + "</p>\n";
    }

    /** Figures side by side, wrapping. */
    static String figures(List<String> figures) {
        return "<div class=\"figures\">\n" + String.join("", figures) + "</div>\n";
    }

    /** A chart (or image) with a title and a caption. */
    static String figure(String heading, String content, String caption) {
        return "<figure>\n<h3>" + esc(heading) + "</h3>\n" + content + "\n"
                + (caption == null ? "" : "<figcaption>" + esc(caption) + "</figcaption>\n") + "</figure>\n";
    }

    /** A table of escaped text; cells that look like numbers are right-aligned. */
    static String table(List<String> header, List<List<String>> rows) {
        StringBuilder sb = new StringBuilder("<table>\n<tr>");
        header.forEach(h -> sb.append("<th>").append(esc(h)).append("</th>"));
        sb.append("</tr>\n");
        for (List<String> r : rows) {
            sb.append("<tr>");
            for (String c : r) {
                boolean num = c.matches("[-+]?[0-9]+(\\.[0-9]+)?( ± [0-9]+(\\.[0-9]+)?)?( / [-+]?[0-9]+(\\.[0-9]+)?.*)?");
                sb.append(num ? "<td class=\"num\">" : "<td>").append(esc(c)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    /** A PNG inline as base64 data, drawn {@code scale} times its size without smoothing. */
    static String png(byte[] data, String alt, int width, int height, int scale) {
        return "<img class=\"pixelated\" alt=\"" + esc(alt) + "\" width=\"" + width * scale + "\" height=\""
                + height * scale + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(data) + "\">";
    }

    /** Preformatted text. */
    static String pre(String text) {
        return "<pre>" + esc(text) + "</pre>\n";
    }

    /** Content folded under a summary line. */
    static String details(String summary, String content) {
        return "<details>\n<summary>" + esc(summary) + "</summary>\n" + content + "</details>\n";
    }

    /** A link to a relative path. */
    static String link(String href, String text) {
        return "<a href=\"" + esc(href) + "\">" + esc(text) + "</a>";
    }

    /** {@code v} with {@code decimals}, or "n/a". */
    static String fmt(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "n/a";
    }

    static String esc(String s) {
        return Svg.esc(s == null ? "" : s);
    }
}
