package org.cbd4j.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code report.html} of a run or bench directory: one self-contained file (inline SVG charts and
 * style sheet, images as base64 data, no script, nothing fetched) built from the directory's files
 * alone, so the same directory always gives the same bytes. Parts whose data the directory lacks
 * (no attack, a defense that scores nothing, an unfinished run) say so instead of a chart.
 *
 * <pre>{@code
 * Path html = HtmlReport.write(Path.of("runs/quickstart/cbd"));
 * }</pre>
 */
public final class HtmlReport {

    /** The file's name inside the directory. */
    public static final String FILE = "report.html";

    private HtmlReport() {}

    /**
     * Writes {@code dir/report.html} (atomically) and returns its path.
     *
     * @throws IllegalArgumentException when {@code dir} is neither a run nor a bench directory
     * @throws IOException when a file the report needs cannot be read or the report not written
     */
    public static Path write(Path dir) throws IOException {
        String html = html(dir);
        Path out = dir.resolve(FILE);
        AtomicFiles.write(out, html);
        return out;
    }

    /** The report's text, without writing it. */
    public static String html(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a directory");
        }
        if (Files.isRegularFile(dir.resolve("config.json"))) {
            return RunReport.html(dir);
        }
        if (Files.isRegularFile(dir.resolve("bench-grid.json")) || Files.isRegularFile(dir.resolve("results.csv"))) {
            return BenchReport.html(dir);
        }
        throw new IllegalArgumentException(dir + " is neither a cbd4j run directory (no config.json) nor a bench "
                + "directory (no bench-grid.json or results.csv)");
    }
}
