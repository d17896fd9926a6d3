package org.cbd4j.report;

import java.util.List;
import java.util.Locale;

/**
 * The report's five kinds of chart as inline SVG: line chart, histogram, scatter plot, heatmap and
 * grouped bars. Each has axes with round ticks, axis labels and a legend above the plot area, and
 * draws every data series in a {@code <g class="series" data-series="NAME">}.
 */
public final class Charts {

    public static final double WIDTH = 460;
    public static final double HEIGHT = 300;
    /** Plot-area margins: left (tick labels and the y label), right, top (legend), bottom (ticks and the x label). */
    public static final double LEFT = 62;
    public static final double RIGHT = 16;
    public static final double TOP = 34;
    public static final double BOTTOM = 48;

    /** Colours for series and classes (Tableau 10 without its red, which marks poisoned samples). */
    public static final List<String> PALETTE = List.of("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2",
            "#edc948", "#9c755f", "#bab0ac", "#ff9da7", "#86bcb6");
    /** The colour of poisoned samples in every chart. */
    public static final String POISONED = "#d62728";

    private Charts() {}

    /** A named series of (x, y) points in one colour; NaN values are gaps. */
    public record Series(String name, String colour, double[] x, double[] y) {}

    /** The colour of the {@code k}-th series or class. */
    public static String colour(int k) {
        return PALETTE.get(Math.floorMod(k, PALETTE.size()));
    }

    /**
     * Lines with a marker at every point; {@code yRange} fixes the y axis (for percentages) or is
     * null to fit the data. The x axis counts whole numbers (epochs).
     */
    public static String line(String id, String xLabel, String yLabel, List<Series> series, double[] yRange) {
        return line(id, xLabel, yLabel, series, null, yRange, true, true);
    }

    /**
     * Lines over a fixed or fitted x range ({@code xRange} null), on a whole-number x axis or not,
     * with or without point markers (a ROC curve has too many points for them).
     */
    public static String line(String id, String xLabel, String yLabel, List<Series> series, double[] xRange,
            double[] yRange, boolean integerX, boolean markers) {
        double[] xr = xRange != null ? xRange : range(series, true);
        double[] yr = yRange != null ? yRange : range(series, false);
        Svg.Scale x = Svg.Scale.nice(xr[0], xr[1], LEFT, WIDTH - RIGHT, integerX ? 6 : 5, integerX);
        Svg.Scale y = Svg.Scale.nice(yr[0], yr[1], HEIGHT - BOTTOM, TOP, 5, false);
        Svg svg = new Svg(id, WIDTH, HEIGHT, yLabel + " by " + xLabel);
        frame(svg, x, y, xLabel, yLabel);
        legend(svg, series.stream().map(Series::name).toList(), series.stream().map(Series::colour).toList());
        for (Series s : series) {
            svg.group("series", s.name());
            double[] px = new double[s.x().length];
            double[] py = new double[s.x().length];
            for (int i = 0; i < px.length; i++) {
                px[i] = Double.isFinite(s.y()[i]) ? x.at(s.x()[i]) : Double.NaN;
                py[i] = y.at(s.y()[i]);
            }
            svg.polyline(px, py, "line", s.colour());
            for (int i = 0; markers && i < px.length; i++) {
                if (Double.isFinite(px[i]) && Double.isFinite(py[i])) {
                    svg.circle(px[i], py[i], 2.5, "marker", s.colour(), String.format(Locale.ROOT, "%s, %s %s: %s",
                            s.name(), xLabel, Svg.num(s.x()[i]), fmt(s.y()[i])));
                }
            }
            svg.end();
        }
        return svg.close();
    }

    /**
     * Bars per bin: {@code heights.get(g)[b]} is group g's height in bin b, bins bounded by
     * {@code edges}; groups stand side by side within a bin. A vertical dashed line marks
     * {@code marker} (NaN: none), labelled {@code markerLabel}.
     */
    public static String histogram(String id, String xLabel, String yLabel, double[] edges, List<Series> groups,
            double marker, String markerLabel) {
        double max = 0;
        for (Series g : groups) {
            for (double v : g.y()) {
                max = Math.max(max, v);
            }
        }
        Svg.Scale x = Svg.Scale.nice(edges[0], edges[edges.length - 1], LEFT, WIDTH - RIGHT, 5, false);
        Svg.Scale y = Svg.Scale.nice(0, max, HEIGHT - BOTTOM, TOP, 5, false);
        Svg svg = new Svg(id, WIDTH, HEIGHT, yLabel + " by " + xLabel);
        frame(svg, x, y, xLabel, yLabel);
        legend(svg, groups.stream().map(Series::name).toList(), groups.stream().map(Series::colour).toList());
        for (int g = 0; g < groups.size(); g++) {
            Series s = groups.get(g);
            svg.group("series", s.name());
            for (int b = 0; b + 1 < edges.length; b++) {
                double x0 = x.at(edges[b]);
                double w = (x.at(edges[b + 1]) - x0) / groups.size();
                double top = y.at(s.y()[b]);
                if (s.y()[b] > 0) {
                    svg.rect(x0 + g * w, top, w, y.at(0) - top, "bar", s.colour(), String.format(Locale.ROOT,
                            "%s, %s to %s: %s", s.name(), fmt(edges[b]), fmt(edges[b + 1]), fmt(s.y()[b])));
                }
            }
            svg.end();
        }
        if (Double.isFinite(marker)) {
            double mx = x.at(marker);
            boolean right = mx > WIDTH - 140; // label left of the line near the right edge
            svg.group("marker", null).line(mx, TOP, mx, HEIGHT - BOTTOM, "threshold")
                    .text(right ? mx - 4 : mx + 4, TOP + 12, right ? "end" : "start", "note", markerLabel).end();
        }
        return svg.close();
    }

    /** Points: each series one colour; later series are drawn on top (poisoned samples last). */
    public static String scatter(String id, String xLabel, String yLabel, List<Series> series) {
        double[] xr = range(series, true);
        double[] yr = range(series, false);
        Svg.Scale x = Svg.Scale.nice(xr[0], xr[1], LEFT, WIDTH - RIGHT, 5, false);
        Svg.Scale y = Svg.Scale.nice(yr[0], yr[1], HEIGHT - BOTTOM, TOP, 5, false);
        Svg svg = new Svg(id, WIDTH, HEIGHT, yLabel + " against " + xLabel);
        frame(svg, x, y, xLabel, yLabel);
        legend(svg, series.stream().map(Series::name).toList(), series.stream().map(Series::colour).toList());
        for (Series s : series) {
            svg.group("series", s.name());
            boolean poisoned = POISONED.equals(s.colour());
            for (int i = 0; i < s.x().length; i++) {
                svg.circle(x.at(s.x()[i]), y.at(s.y()[i]), poisoned ? 2.6 : 2.2, poisoned ? "point poisoned" : "point",
                        s.colour(), null);
            }
            svg.end();
        }
        return svg.close();
    }

    /**
     * A matrix of counts, rows coloured by their share of the row total (white 0, dark blue 1);
     * counts are written into the cells when there are at most 12 columns.
     */
    public static String heatmap(String id, String rowLabel, String columnLabel, String[] rows, String[] columns,
            long[][] counts) {
        double cell = Math.min(34, 340.0 / Math.max(rows.length, columns.length));
        double width = LEFT + columns.length * cell + RIGHT + 8;
        double height = TOP + rows.length * cell + BOTTOM;
        Svg svg = new Svg(id, Math.max(width, 240), height, rowLabel + " against " + columnLabel);
        svg.group("series", "counts");
        for (int r = 0; r < rows.length; r++) {
            long total = 0;
            for (long c : counts[r]) {
                total += c;
            }
            for (int c = 0; c < columns.length; c++) {
                double share = total == 0 ? 0 : (double) counts[r][c] / total;
                svg.rect(LEFT + c * cell, TOP + r * cell, cell, cell, "cell", shade(share), String.format(Locale.ROOT,
                        "%s %s, %s %s: %d (%.1f %% of the row)", rowLabel, rows[r], columnLabel, columns[c], counts[r][c],
                        100 * share));
                if (columns.length <= 12) {
                    svg.text(LEFT + (c + 0.5) * cell, TOP + (r + 0.5) * cell + 4, "middle",
                            share > 0.5 ? "count light" : "count", Long.toString(counts[r][c]));
                }
            }
        }
        svg.end();
        boolean every = Math.max(rows.length, columns.length) <= 20;
        svg.group("axis y", null);
        for (int r = 0; r < rows.length; r++) {
            if (every || r % 5 == 0) {
                svg.text(LEFT - 6, TOP + (r + 0.5) * cell + 4, "end", "tick", rows[r]);
            }
        }
        svg.verticalText(16, TOP + rows.length * cell / 2, "axis-label", rowLabel).end();
        svg.group("axis x", null);
        for (int c = 0; c < columns.length; c++) {
            if (every || c % 5 == 0) {
                svg.text(LEFT + (c + 0.5) * cell, TOP - 8, "middle", "tick", columns[c]);
            }
        }
        svg.text(LEFT + columns.length * cell / 2, TOP + rows.length * cell + 28, "middle", "axis-label", columnLabel)
                .end();
        return svg.close();
    }

    /**
     * Bars of each series side by side within each group, with the value above each bar; a NaN
     * value leaves its place empty, marked "n/a".
     */
    public static String groupedBars(String id, String yLabel, String[] groups, List<Series> series, double[] yRange) {
        double max = 0;
        for (Series s : series) {
            for (double v : s.y()) {
                max = Double.isFinite(v) ? Math.max(max, v) : max;
            }
        }
        double width = Math.max(WIDTH, LEFT + RIGHT + groups.length * (series.size() * 26 + 24));
        Svg.Scale y = yRange != null ? Svg.Scale.nice(yRange[0], yRange[1], HEIGHT - BOTTOM, TOP, 5, false)
                : Svg.Scale.nice(0, max, HEIGHT - BOTTOM, TOP, 5, false);
        Svg svg = new Svg(id, width, HEIGHT, yLabel + " by group");
        double groupW = (width - LEFT - RIGHT) / Math.max(1, groups.length);
        yAxis(svg, y, width, yLabel);
        svg.group("axis x", null).line(LEFT, HEIGHT - BOTTOM, width - RIGHT, HEIGHT - BOTTOM, "axis-line");
        for (int g = 0; g < groups.length; g++) {
            svg.text(LEFT + (g + 0.5) * groupW, HEIGHT - BOTTOM + 16, "middle", "tick", groups[g]);
        }
        svg.end();
        legend(svg, series.stream().map(Series::name).toList(), series.stream().map(Series::colour).toList());
        double barW = Math.min(26, (groupW - 12) / Math.max(1, series.size()));
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            svg.group("series", s.name());
            for (int g = 0; g < groups.length; g++) {
                double x0 = LEFT + g * groupW + (groupW - barW * series.size()) / 2 + k * barW;
                double v = s.y()[g];
                if (Double.isFinite(v)) {
                    double top = y.at(v);
                    svg.rect(x0 + 1, top, barW - 2, y.at(0) - top, "bar", s.colour(),
                            String.format(Locale.ROOT, "%s, %s: %s", s.name(), groups[g], fmt(v)));
                    svg.text(x0 + barW / 2, top - 3, "middle", "value", String.format(Locale.ROOT, "%.1f", v));
                } else {
                    svg.text(x0 + barW / 2, y.at(0) - 3, "middle", "value", "n/a");
                }
            }
            svg.end();
        }
        return svg.close();
    }

    /** Grid lines, both axes with ticks and labels, for a plot area of the default size. */
    private static void frame(Svg svg, Svg.Scale x, Svg.Scale y, String xLabel, String yLabel) {
        yAxis(svg, y, WIDTH, yLabel);
        svg.group("axis x", null).line(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM, "axis-line");
        for (double t : x.ticks()) {
            svg.line(x.at(t), HEIGHT - BOTTOM, x.at(t), HEIGHT - BOTTOM + 4, "tick-mark")
                    .text(x.at(t), HEIGHT - BOTTOM + 16, "middle", "tick", x.label(t));
        }
        svg.text((LEFT + WIDTH - RIGHT) / 2, HEIGHT - 8, "middle", "axis-label", xLabel).end();
    }

    private static void yAxis(Svg svg, Svg.Scale y, double width, String yLabel) {
        svg.group("grid", null);
        for (double t : y.ticks()) {
            svg.line(LEFT, y.at(t), width - RIGHT, y.at(t), "grid-line");
        }
        svg.end().group("axis y", null).line(LEFT, TOP, LEFT, HEIGHT - BOTTOM, "axis-line");
        for (double t : y.ticks()) {
            svg.text(LEFT - 6, y.at(t) + 4, "end", "tick", y.label(t));
        }
        svg.verticalText(16, (TOP + HEIGHT - BOTTOM) / 2, "axis-label", yLabel).end();
    }

    /** Swatches and names in a row above the plot area, wrapping onto a second row when long. */
    private static void legend(Svg svg, List<String> names, List<String> colours) {
        svg.group("legend", null);
        double x = LEFT;
        double y = 14;
        for (int i = 0; i < names.size(); i++) {
            double w = 16 + 6.6 * names.get(i).length() + 10;
            if (x + w > WIDTH - RIGHT && x > LEFT) {
                x = LEFT;
                y += 14;
            }
            svg.rect(x, y - 9, 12, 10, "swatch", colours.get(i), null).text(x + 16, y, "start", "legend-text", names.get(i));
            x += w;
        }
        svg.end();
    }

    /** Smallest and largest finite x (or y) over all series; (0, 1) when there is none. */
    private static double[] range(List<Series> series, boolean ofX) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                double v = ofX ? s.x()[i] : s.y()[i];
                if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return lo <= hi ? new double[] {lo, hi} : new double[] {0, 1};
    }

    /** White (0) to dark blue (1). */
    static String shade(double share) {
        int r = (int) Math.round(255 + share * (8 - 255));
        int g = (int) Math.round(255 + share * (48 - 255));
        int b = (int) Math.round(255 + share * (107 - 255));
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    /** A value for a tooltip: four significant digits. */
    static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "n/a";
    }
}
