package org.cbd4j.report;

import java.awt.image.BufferedImage;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageEncoder;

/**
 * A PNG showing clean/poisoned pairs: one column per sample, the clean image on top with its
 * label, the poisoned image below with its (possibly changed) label. Labels are drawn with a
 * built-in 3x5 digit font, so no system fonts are needed on a headless server.
 */
public final class PreviewGrid {

    static final int SCALE = 4;
    static final int PAD = 4;
    /** 3x5 bitmaps of the digits 0-9, one row of 3 bits per entry, top row first. */
    private static final int[][] DIGITS = {
        {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
        {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7}};

    private PreviewGrid() {}

    /** PNG bytes of the pairs for {@code indices} of the clean and poisoned sets. */
    public static byte[] png(ImageDataset clean, ImageDataset poisoned, int[] indices) {
        int h = clean.height() * SCALE;
        int w = clean.width() * SCALE;
        int labelH = 5 * 2 + PAD;
        int cellW = w + PAD;
        int cellH = h + labelH + PAD;
        BufferedImage out = new BufferedImage(Math.max(1, indices.length) * cellW + PAD, 2 * cellH + PAD,
                BufferedImage.TYPE_INT_RGB);
        fill(out, 0, 0, out.getWidth(), out.getHeight(), 0xFFFFFF);
        for (int k = 0; k < indices.length; k++) {
            int x = PAD + k * cellW;
            draw(out, clean, indices[k], x, PAD);
            label(out, clean.label(indices[k]), x, PAD + h + 2, 0x000000);
            boolean changed = poisoned.label(indices[k]) != clean.label(indices[k]);
            draw(out, poisoned, indices[k], x, PAD + cellH);
            label(out, poisoned.label(indices[k]), x, PAD + cellH + h + 2, changed ? 0xCC0000 : 0x000000);
        }
        return ImageEncoder.png(out);
    }

    private static void draw(BufferedImage out, ImageDataset d, int i, int x0, int y0) {
        draw(out, d, i, x0, y0, SCALE);
    }

    /** Draws image {@code i} of {@code d} at (x0, y0), each pixel a {@code scale x scale} square. */
    static void draw(BufferedImage out, ImageDataset d, int i, int x0, int y0, int scale) {
        for (int r = 0; r < d.height(); r++) {
            for (int c = 0; c < d.width(); c++) {
                int rgb;
                if (d.channels() == 1) {
                    int v = d.pixel(i, 0, r, c);
                    rgb = v << 16 | v << 8 | v;
                } else {
                    rgb = d.pixel(i, 0, r, c) << 16 | d.pixel(i, 1, r, c) << 8 | d.pixel(i, 2, r, c);
                }
                fill(out, x0 + c * scale, y0 + r * scale, scale, scale, rgb);
            }
        }
    }

    /** Draws {@code value}'s digits, 8 pixels apart and 10 high, with the top left at (x0, y0). */
    static void label(BufferedImage out, int value, int x0, int y0, int rgb) {
        String s = Integer.toString(value);
        for (int k = 0; k < s.length(); k++) {
            int[] rows = DIGITS[s.charAt(k) - '0'];
            for (int r = 0; r < 5; r++) {
                for (int c = 0; c < 3; c++) {
                    if ((rows[r] >> (2 - c) & 1) == 1) {
                        fill(out, x0 + k * 8 + c * 2, y0 + r * 2, 2, 2, rgb);
                    }
                }
            }
        }
    }

    static void fill(BufferedImage out, int x, int y, int w, int h, int rgb) {
        for (int yy = y; yy < Math.min(out.getHeight(), y + h); yy++) {
            for (int xx = x; xx < Math.min(out.getWidth(), x + w); xx++) {
                out.setRGB(xx, yy, rgb);
            }
        }
    }
}
