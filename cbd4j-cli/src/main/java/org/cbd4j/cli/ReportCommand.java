package org.cbd4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cbd4j.report.HtmlReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cbd report DIR}: (re)writes the HTML report of a run or bench directory ({@link HtmlReport}). */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write DIR/report.html: one self-contained HTML file (inline SVG charts, no network) with the "
                + "training curves, sample weights, suspicion histogram, detection ROC, embeddings, confusion matrices, "
                + "trigger preview and provenance of a run, or the comparison tables and charts of a bench.",
            "cbd train and cbd bench write it themselves at the end; this re-creates it, e.g. for older runs."})
final class ReportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_DIR|BENCH_DIR", description = "A run directory (cbd train) or a bench directory (cbd bench).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        System.out.println(HtmlReport.write(dir));
        return 0;
    }
}
