package org.cbd4j.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the CSV files a run writes (RFC 4180 quoting, as {@link RunDirectory} writes a
 * {@code source} field), for the report. Numbers are parsed leniently: an empty or unparsable
 * field is NaN, which the report shows as "n/a" and never draws.
 */
public final class Csv {

    private final Path file;
    private final List<String> header;
    private final List<String[]> rows;

    private Csv(Path file, List<String> header, List<String[]> rows) {
        this.file = file;
        this.header = header;
        this.rows = rows;
    }

    /** Reads {@code file}; a row with another field count than the header fails naming the line. */
    public static Csv read(Path file) throws IOException {
        List<String[]> records = parse(Files.readString(file, StandardCharsets.UTF_8));
        if (records.isEmpty()) {
            throw new IOException(file.getFileName() + ": empty (no header line)");
        }
        List<String> header = List.of(records.get(0));
        List<String[]> rows = records.subList(1, records.size());
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).length != header.size()) {
                throw new IOException(file.getFileName() + ": row " + (i + 1) + " has " + rows.get(i).length + " fields, the header "
                        + header.size());
            }
        }
        return new Csv(file, header, rows);
    }

    public List<String> header() {
        return header;
    }

    public List<String[]> rows() {
        return rows;
    }

    public int size() {
        return rows.size();
    }

    public boolean has(String column) {
        return header.contains(column);
    }

    /** The text of one column; a missing column fails naming the file. */
    public String[] text(String column) throws IOException {
        int c = index(column);
        String[] out = new String[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i)[c];
        }
        return out;
    }

    /** One column as numbers, NaN where empty or not a number. */
    public double[] numbers(String column) throws IOException {
        String[] t = text(column);
        double[] out = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            out[i] = number(t[i]);
        }
        return out;
    }

    /** A field as a number, NaN where empty or not a number. */
    public static double number(String field) {
        if (field == null || field.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(field);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private int index(String column) throws IOException {
        int c = header.indexOf(column);
        if (c < 0) {
            throw new IOException(file.getFileName() + " has no column '" + column + "'");
        }
        return c;
    }

    /** Records of a CSV text; quoted fields may hold commas, doubled quotes and line breaks. */
    static List<String[]> parse(String text) {
        List<String[]> out = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            any = true;
            if (quoted) {
                if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    f.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                fields.add(f.toString());
                f.setLength(0);
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                fields.add(f.toString());
                f.setLength(0);
                out.add(fields.toArray(new String[0]));
                fields.clear();
                any = false;
            } else {
                f.append(ch);
            }
        }
        if (any) {
            fields.add(f.toString());
            out.add(fields.toArray(new String[0]));
        }
        return out;
    }
}
