package org.cbd4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.cbd4j.attack.Attacks;
import org.cbd4j.data.DatasetWriter;
import org.cbd4j.data.SyntheticImages;
import org.cbd4j.defense.Defenses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java example, cut out of README.md, compiled and run as printed; and the README names every method. */
class ReadmeExampleTest {

    @TempDir
    Path tmp;

    /** A README example compiled into {@code classes}: its source and its public class. */
    record CompiledExample(String source, String className, Path classes) {}

    /**
     * Cuts the Java block between {@code <!-- MARKER:start -->} and {@code <!-- MARKER:end -->} out
     * of README.md, writes it under {@code dir/src} and compiles it against the test classpath
     * into {@code dir/classes}, asserting each step.
     */
    static CompiledExample compileExample(String marker, Path dir) throws Exception {
        Matcher m = Pattern.compile("<!-- " + marker + ":start -->\\s*```java\\n(.*?)```\\s*<!-- " + marker + ":end -->",
                Pattern.DOTALL).matcher(readme());
        assertTrue(m.find(), "README.md has the example marked " + marker);
        String source = m.group(1);
        Matcher cls = Pattern.compile("public class (\\w+)").matcher(source);
        assertTrue(cls.find(), "the example declares a public class");
        Path src = Files.createDirectories(dir.resolve("src")).resolve(cls.group(1) + ".java");
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, null, diagnostics, "-cp", classpath, "-d", classes.toString(), src.toString());
        assertEquals(0, rc, "the example compiles:\n" + diagnostics);
        return new CompiledExample(source, cls.group(1), classes);
    }

    /** The repository's README (tests run in the module's directory, one below it). */
    static String readme() throws Exception {
        Path here = Path.of("README.md");
        return Files.readString(Files.isRegularFile(here) ? here : Path.of("..", "README.md"));
    }

    @Test
    void theJavaExampleCompilesAndRunsOnAnImageFolder() throws Exception {
        CompiledExample example = compileExample("java-example", tmp);
        Path classes = example.classes();

        // A folder of 28x28 gray images in 4 classes (the loader holds 20 % of each class out for testing).
        DatasetWriter.write("folder", SyntheticImages.generate(400, 1, 28, 28, 5), tmp, "images");
        Path out = tmp.resolve("run");
        PrintStream oldOut = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            loader.loadClass(example.className()).getMethod("main", String[].class)
                    .invoke(null, (Object) new String[] {tmp.resolve("images").toString(), out.toString()});
        } finally {
            System.setOut(oldOut);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.matches("(?s)CA \\d+\\.\\d\\d %, ASR \\d+\\.\\d\\d %\\n\\d+ of 320 training images flagged; "
                + "image 0 has suspicion -?\\d\\.\\d{3}\\n"), text);
        assertTrue(Files.isRegularFile(out.resolve("summary.json")), "the run directory was written");
    }

    @Test
    void theReadmeNamesEveryAttackAndDefense() throws Exception {
        String readme = readme();
        for (List<String> names : List.of(Attacks.names(), Defenses.NAMES)) {
            for (String n : names) {
                assertTrue(readme.contains("`" + n + "`"), "README.md does not name `" + n + "`");
            }
        }
    }
}
