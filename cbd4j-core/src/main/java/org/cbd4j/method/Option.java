package org.cbd4j.method;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One option of a method, declared once in the method's own class: its name (the command-line
 * flag without dashes, and the key in config files, grids, {@code run-config.yaml} and
 * {@code config.json}), its type, its default, the values it accepts and a one-line help. The CLI,
 * the config-file readers, {@code cbd list} and provenance all read these declarations.
 *
 * <p>Values are held as {@code Integer}, {@code Long}, {@code Double}, {@code Boolean} or
 * {@code String}; {@link #coerce} turns what a config file or command line gave into that type
 * and refuses anything else in one line naming the flag.
 *
 * @param <T> the value type
 */
public final class Option<T> {

    private final String name;
    private final Class<T> type;
    private final T defaultValue;
    private final String help;
    private final Predicate<T> valid;
    private final String accepted;

    private Option(String name, Class<T> type, T defaultValue, String help, Predicate<T> valid, String accepted) {
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("option name must be lower-case words joined by '-': " + name);
        }
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.help = Objects.requireNonNull(help);
        this.valid = valid;
        this.accepted = accepted;
    }

    /** A whole number in {@code [min, max]}. */
    public static Option<Integer> integer(String name, int defaultValue, int min, int max, String help) {
        return new Option<>(name, Integer.class, defaultValue, help, v -> v >= min && v <= max,
                max == Integer.MAX_VALUE ? "a whole number >= " + min : "a whole number in " + min + ".." + max);
    }

    /** A whole number of 64 bits (seeds). */
    public static Option<Long> wholeNumber(String name, long defaultValue, String help) {
        return new Option<>(name, Long.class, defaultValue, help, v -> true, "a whole number");
    }

    /**
     * A finite number in an interval written as in mathematics, e.g. {@code "(0, 1]"} or
     * {@code "[0, inf)"}.
     */
    public static Option<Double> real(String name, double defaultValue, String interval, String help) {
        Interval in = Interval.parse(interval);
        return new Option<>(name, Double.class, defaultValue, help, in::contains, "a number in " + interval);
    }

    /** A switch, off unless given. */
    public static Option<Boolean> flag(String name, String help) {
        return new Option<>(name, Boolean.class, false, help, v -> true, "true or false");
    }

    /** Text; {@code defaultValue} may be null (the option is then unset unless given). */
    public static Option<String> text(String name, String defaultValue, String help) {
        return new Option<>(name, String.class, defaultValue, help, v -> !v.isBlank(), "non-empty text");
    }

    /** Text that {@code valid} accepts, {@code accepted} saying what that is in the error message. */
    public static Option<String> text(String name, String defaultValue, Predicate<String> valid, String accepted,
            String help) {
        return new Option<>(name, String.class, defaultValue, help, valid, accepted);
    }

    public String name() {
        return name;
    }

    /** {@code --name}, as on the command line. */
    public String flag() {
        return "--" + name;
    }

    public Class<T> type() {
        return type;
    }

    /** The default value, or null for an unset text option. */
    public T defaultValue() {
        return defaultValue;
    }

    public String help() {
        return help;
    }

    /** What the option accepts, as in its error messages ("a number in (0, 1]"). */
    public String accepted() {
        return accepted;
    }

    /** Whether this is an on/off switch (no value on the command line). */
    public boolean isFlag() {
        return type == Boolean.class;
    }

    /**
     * {@code value} as this option's type, checked: numbers of another width are converted when
     * exact, text is parsed, anything else is refused naming the flag.
     */
    public T coerce(Object value) {
        if (value == null) {
            if (defaultValue == null) {
                return null;
            }
            throw refuse("nothing");
        }
        Object v = value instanceof String s && type != String.class ? parse(s.trim()) : convert(value);
        if (v == null || !type.isInstance(v)) {
            throw refuse(describe(value));
        }
        T t = type.cast(v);
        if (!valid.test(t)) {
            throw refuse(describe(value));
        }
        return t;
    }

    private Object parse(String s) {
        try {
            if (type == Integer.class) {
                return Integer.valueOf(s);
            } else if (type == Long.class) {
                return Long.valueOf(s);
            } else if (type == Double.class) {
                double d = Double.parseDouble(s);
                return Double.isFinite(d) ? d : null;
            } else if (type == Boolean.class) {
                return "true".equalsIgnoreCase(s) ? Boolean.TRUE : "false".equalsIgnoreCase(s) ? Boolean.FALSE : null;
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    private Object convert(Object v) {
        if (type == Integer.class && (v instanceof Integer || v instanceof Long || v instanceof Short)) {
            long l = ((Number) v).longValue();
            return l == (int) l ? (Object) (int) l : null;
        }
        if (type == Long.class && (v instanceof Integer || v instanceof Long || v instanceof Short)) {
            return ((Number) v).longValue();
        }
        if (type == Double.class && v instanceof Number n && !(v instanceof Double && !Double.isFinite((Double) v))) {
            // A float given from Java keeps its decimal spelling (0.2f is 0.2, not 0.20000000298).
            double d = v instanceof Float f ? Double.parseDouble(Float.toString(f)) : n.doubleValue();
            return Double.isFinite(d) ? d : null;
        }
        if (type == String.class && v instanceof Number) {
            return v.toString();
        }
        return v;
    }

    private IllegalArgumentException refuse(String got) {
        return new IllegalArgumentException(flag() + " must be " + accepted + ", got " + got);
    }

    private static String describe(Object v) {
        String s = String.valueOf(v);
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    /** The value as text for a command line or help ("" for an unset text option). */
    public String format(Object value) {
        return value == null ? "" : value instanceof Double d ? formatNumber(d) : value.toString();
    }

    private static String formatNumber(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.format(Locale.ROOT, "%s", d);
    }

    /** Whether two declarations say the same thing (methods may share an option, e.g. a helper model). */
    public boolean sameAs(Option<?> o) {
        return name.equals(o.name) && type == o.type && Objects.equals(defaultValue, o.defaultValue)
                && accepted.equals(o.accepted);
    }

    @Override
    public String toString() {
        return flag() + " (" + accepted + ", default " + (defaultValue == null ? "unset" : format(defaultValue)) + ")";
    }

    /** A closed, open or half-open interval of reals; "inf" and "-inf" as unbounded ends. */
    private record Interval(double lo, boolean loOpen, double hi, boolean hiOpen) {

        static Interval parse(String s) {
            String t = s.trim();
            if (t.length() < 5 || "([".indexOf(t.charAt(0)) < 0 || ")]".indexOf(t.charAt(t.length() - 1)) < 0) {
                throw new IllegalArgumentException("not an interval: " + s);
            }
            String[] ends = t.substring(1, t.length() - 1).split(",");
            if (ends.length != 2) {
                throw new IllegalArgumentException("not an interval: " + s);
            }
            return new Interval(end(ends[0]), t.charAt(0) == '(', end(ends[1]), t.charAt(t.length() - 1) == ')');
        }

        private static double end(String e) {
            String v = e.trim();
            return switch (v) {
                case "inf", "+inf" -> Double.POSITIVE_INFINITY;
                case "-inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(v);
            };
        }

        boolean contains(double v) {
            return Double.isFinite(v) && (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi);
        }
    }
}
