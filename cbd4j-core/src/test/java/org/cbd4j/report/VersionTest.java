package org.cbd4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VersionTest {

    private static String commitOf(String properties) {
        return Version.commitOf(new ByteArrayInputStream(properties.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void commitNamesTheAbbreviatedIdAndMarksADirtyTree() {
        assertEquals("b7f68ff", commitOf("git.commit.id.abbrev=b7f68ff\ngit.dirty=false\n"));
        assertEquals("b7f68ff-dirty", commitOf("git.commit.id.abbrev=b7f68ff\ngit.dirty=true\n"));
    }

    @Test
    void aBuildOutsideGitIsUnknown() {
        assertEquals("unknown", Version.commitOf(null));
        assertEquals("unknown", commitOf("git.dirty=false\n"));
    }

    @Test
    void theBuildOfThisCheckoutRecordsItsCommit() {
        // Surefire runs in the module directory; in a git checkout (CI clones one) the build must
        // have written the properties file with a real commit id. A source tarball skips this.
        assumeTrue(Files.exists(Path.of("..", ".git")), "not a git checkout");
        String c = Version.commit();
        assertTrue(c.matches("[0-9a-f]{7}(-dirty)?"), "commit from the build: " + c);
    }
}
