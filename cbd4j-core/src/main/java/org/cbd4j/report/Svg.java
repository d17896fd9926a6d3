package org.cbd4j.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A tiny writer of inline SVG for the HTML report: a handful of shapes with coordinates written to
 * two decimals in {@link Locale#ROOT}, so the same data always gives the same bytes. Every chart
 * is one {@code <svg class="chart" data-chart="ID">} element; its parts carry classes
 * ({@code series}, {@code axis}, {@code legend}, ...) that the page's style sheet and the browser
 * test find them by.
 */
public final class Svg {

    private final StringBuilder sb = new StringBuilder();

    /** Starts a chart of {@code width} x {@code height} pixels; {@code label} is its accessible name. */
    public Svg(String chart, double width, double height, String label) {
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"").append(esc(chart))
                .append("\" width=\"").append(num(width)).append("\" height=\"").append(num(height))
                .append("\" viewBox=\"0 0 ").append(num(width)).append(' ').append(num(height))
                .append("\" role=\"img\" aria-label=\"").append(esc(label)).append("\">");
    }

    /** A straight line. */
    public Svg line(double x1, double y1, double x2, double y2, String cls) {
        sb.append("<line class=\"").append(cls).append("\" x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1))
                .append("\" x2=\"").append(num(x2)).append("\" y2=\"").append(num(y2)).append("\"/>");
        return this;
    }

    /** A filled rectangle with an optional tooltip. */
    public Svg rect(double x, double y, double w, double h, String cls, String fill, String tooltip) {
        sb.append("<rect class=\"").append(cls).append("\" x=\"").append(num(x)).append("\" y=\"").append(num(y))
                .append("\" width=\"").append(num(w)).append("\" height=\"").append(num(h)).append('"');
        if (fill != null) {
            sb.append(" fill=\"").append(fill).append('"');
        }
        return closeWithTooltip("rect", tooltip);
    }

    /** A filled circle with an optional tooltip. */
    public Svg circle(double cx, double cy, double r, String cls, String fill, String tooltip) {
        sb.append("<circle class=\"").append(cls).append("\" cx=\"").append(num(cx)).append("\" cy=\"").append(num(cy))
                .append("\" r=\"").append(num(r)).append("\" fill=\"").append(fill).append('"');
        return closeWithTooltip("circle", tooltip);
    }

    /**
     * A line through the points, broken where a coordinate is not finite (an epoch without the
     * value): one {@code <polyline>} per unbroken run of two or more points.
     */
    public Svg polyline(double[] xs, double[] ys, String cls, String stroke) {
        List<String> run = new ArrayList<>();
        for (int i = 0; i <= xs.length; i++) {
            boolean ok = i < xs.length && Double.isFinite(xs[i]) && Double.isFinite(ys[i]);
            if (ok) {
                run.add(num(xs[i]) + "," + num(ys[i]));
            } else {
                if (run.size() >= 2) {
                    sb.append("<polyline class=\"").append(cls).append("\" fill=\"none\" stroke=\"").append(stroke)
                            .append("\" points=\"").append(String.join(" ", run)).append("\"/>");
                }
                run.clear();
            }
        }
        return this;
    }

    /** Text anchored at (x, y): {@code anchor} is start, middle or end. */
    public Svg text(double x, double y, String anchor, String cls, String text) {
        sb.append("<text class=\"").append(cls).append("\" x=\"").append(num(x)).append("\" y=\"").append(num(y))
                .append("\" text-anchor=\"").append(anchor).append("\">").append(esc(text)).append("</text>");
        return this;
    }

    /** Text turned 90 degrees counter-clockwise about (x, y), for a vertical axis label. */
    public Svg verticalText(double x, double y, String cls, String text) {
        sb.append("<text class=\"").append(cls).append("\" x=\"").append(num(x)).append("\" y=\"").append(num(y))
                .append("\" text-anchor=\"middle\" transform=\"rotate(-90 ").append(num(x)).append(' ').append(num(y))
                .append(")\">").append(esc(text)).append("</text>");
        return this;
    }

    /** Opens a group; {@code series} (may be null) names the data series it draws. */
    public Svg group(String cls, String series) {
        sb.append("<g class=\"").append(cls).append('"');
        if (series != null) {
            sb.append(" data-series=\"").append(esc(series)).append('"');
        }
        sb.append('>');
        return this;
    }

    /** Closes the last group. */
    public Svg end() {
        sb.append("</g>");
        return this;
    }

    /** The finished {@code <svg>} element. */
    public String close() {
        return sb + "</svg>";
    }

    private Svg closeWithTooltip(String element, String tooltip) {
        if (tooltip == null) {
            sb.append("/>");
        } else {
            sb.append("><title>").append(esc(tooltip)).append("</title></").append(element).append('>');
        }
        return this;
    }

    /** A coordinate: two decimals, trailing zeros dropped ({@code 12.5}, {@code 60}), never "-0". */
    public static String num(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s.equals("-0") ? "0" : s;
    }

    /** Text and attribute values escaped for XML and HTML. */
    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * A linear map from a data interval onto a pixel interval, with round tick values.
     *
     * @param lo data value drawn at {@code from}
     * @param hi data value drawn at {@code to}
     * @param ticks the tick values, inside [lo, hi]
     * @param step the distance between ticks
     */
    public record Scale(double lo, double hi, double from, double to, double[] ticks, double step) {

        /** The pixel position of {@code v}. */
        public double at(double v) {
            return hi == lo ? (from + to) / 2 : from + (v - lo) / (hi - lo) * (to - from);
        }

        /** A tick value as text, with as many decimals as the step needs. */
        public String label(double v) {
            int decimals = Math.min(6, Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9)));
            String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
            return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
        }

        /**
         * A scale whose ends are the round numbers around [min, max] (1, 2 or 5 times a power of
         * ten, about {@code target} steps); {@code integer} keeps steps whole. An empty or single-value
         * range is widened to a unit around it.
         */
        public static Scale nice(double min, double max, double from, double to, int target, boolean integer) {
            if (!Double.isFinite(min) || !Double.isFinite(max)) {
                min = 0;
                max = 1;
            }
            if (max <= min) {
                double c = min;
                min = integer ? c - 1 : c == 0 ? 0 : c - Math.abs(c) / 2;
                max = integer ? c + 1 : c == 0 ? 1 : c + Math.abs(c) / 2;
            }
            double raw = (max - min) / target;
            double mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double step = mag * (raw <= mag ? 1 : raw <= 2 * mag ? 2 : raw <= 5 * mag ? 5 : 10);
            if (integer) {
                step = Math.max(1, Math.round(step));
            }
            double lo = Math.floor(min / step + 1e-9) * step;
            double hi = Math.ceil(max / step - 1e-9) * step;
            return fixed(lo, hi, from, to, step);
        }

        /** A scale over exactly [lo, hi] with ticks at the multiples of {@code step} inside it. */
        public static Scale fixed(double lo, double hi, double from, double to, double step) {
            List<Double> t = new ArrayList<>();
            for (long k = (long) Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
                t.add(k * step);
            }
            return new Scale(lo, hi, from, to, t.stream().mapToDouble(Double::doubleValue).toArray(), step);
        }
    }
}
