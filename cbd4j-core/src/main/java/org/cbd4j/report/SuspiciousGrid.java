package org.cbd4j.report;

import java.awt.image.BufferedImage;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageEncoder;

/**
 * {@code suspicious_grid.png} of {@code cbd audit}: one row per class (label 0 at the top), its
 * index at the left, then that class's most suspicious images left to right, each above its
 * suspicion rank (1 = most suspicious of the whole set); ranks of flagged images are red. A class
 * with fewer images than columns leaves the rest of its row blank. Drawn with
 * {@link PreviewGrid}'s built-in digit font, so no system fonts are needed.
 *
 * <p>Layout, in pixels ({@code PAD} = 4): tiles are the image scaled by {@link #scale} (4 for
 * images up to 32 pixels, less for larger ones, at least 1); a cell is {@code max(tile width,
 * 8 x digits of the largest rank)} + PAD wide and tile height + 14 + PAD high; the left column is
 * {@code 8 x digits of the last class index} + PAD wide. The image is PAD + left column + k cells
 * wide and PAD + classes cells high.
 */
public final class SuspiciousGrid {

    static final int PAD = PreviewGrid.PAD;
    /** Rows of a label under a tile: 5 font rows at 2 pixels, then PAD. */
    static final int LABEL_H = 5 * 2 + PAD;

    private SuspiciousGrid() {}

    /** Pixels per image pixel: 4, or fewer so that a tile stays within 128 pixels (at least 1). */
    public static int scale(ImageDataset d) {
        return Math.max(1, Math.min(PreviewGrid.SCALE, 128 / Math.max(d.height(), d.width())));
    }

    /**
     * PNG bytes of the grid.
     *
     * @param images the audited images as scored
     * @param rows per class, the indices of its most suspicious images, most suspicious first
     *     (at most {@code k} each)
     * @param rank per image, its 1-based suspicion rank
     * @param flagged per image, whether the flagging rule flagged it
     * @param k columns
     */
    public static byte[] png(ImageDataset images, int[][] rows, int[] rank, boolean[] flagged, int k) {
        int s = scale(images);
        int tileW = images.width() * s;
        int tileH = images.height() * s;
        int cellW = Math.max(tileW, 8 * digits(images.size())) + PAD;
        int cellH = tileH + LABEL_H + PAD;
        int left = 8 * digits(Math.max(0, rows.length - 1)) + PAD;
        BufferedImage out = new BufferedImage(PAD + left + k * cellW, PAD + Math.max(1, rows.length) * cellH,
                BufferedImage.TYPE_INT_RGB);
        PreviewGrid.fill(out, 0, 0, out.getWidth(), out.getHeight(), 0xFFFFFF);
        for (int c = 0; c < rows.length; c++) {
            int y = PAD + c * cellH;
            PreviewGrid.label(out, c, PAD, y + (tileH - 10) / 2, 0x000000);
            for (int j = 0; j < Math.min(k, rows[c].length); j++) {
                int i = rows[c][j];
                int x = PAD + left + j * cellW;
                PreviewGrid.draw(out, images, i, x, y, s);
                PreviewGrid.label(out, rank[i], x, y + tileH + 2, flagged[i] ? 0xCC0000 : 0x000000);
            }
        }
        return ImageEncoder.png(out);
    }

    private static int digits(int v) {
        return Integer.toString(v).length();
    }
}
