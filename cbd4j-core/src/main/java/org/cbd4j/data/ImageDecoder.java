package org.cbd4j.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PPM/PGM (P6/P5, cbd4j's own reader), PNG, JPEG and BMP (the JDK's ImageIO) into a
 * {@link DecodedImage}. Dimensions are checked before any pixel buffer is allocated: at most
 * {@link #MAX_PIXELS}, and no more than {@link #MAX_PIXELS_PER_BYTE} pixels per byte of file,
 * so a small file cannot make the loader allocate gigabytes. Every failure is a
 * {@link DatasetFormatException} naming the file.
 */
public final class ImageDecoder {

    /** Largest image accepted (e.g. 4096 x 4096). */
    static final long MAX_PIXELS = 1L << 24;
    /** Even a flat PNG needs a byte per ~1000 pixels (deflate's limit); allow some slack. */
    static final long MAX_PIXELS_PER_BYTE = 2048;

    static {
        ImageIO.setUseCache(false); // decode in memory; no temp files per image
    }

    private ImageDecoder() {}

    /** Decodes the bytes of {@code file}. */
    public static DecodedImage decode(Path file, byte[] data) throws DatasetFormatException {
        if (data.length >= 2 && data[0] == 'P' && (data[1] == '5' || data[1] == '6')) {
            return PpmReader.decode(file, data);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DatasetFormatException(file, "not a PNG, JPEG, BMP or PPM image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                checkSize(file, reader.getWidth(0), reader.getHeight(0), data.length);
                return fromBuffered(reader.read(0));
            } finally {
                reader.dispose();
            }
        } catch (DatasetFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO's decoders signal corrupt data with IIOException but also with unchecked
            // exceptions (index, negative size, illegal state); all mean "this file is broken".
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new DatasetFormatException(file, "cannot decode image (" + m + ")");
        }
    }

    static void checkSize(Path file, long width, long height, long fileBytes) throws DatasetFormatException {
        if (width <= 0 || height <= 0) {
            throw new DatasetFormatException(file, "image size " + width + "x" + height + " is empty");
        }
        long pixels = width * height;
        if (pixels > MAX_PIXELS || pixels > MAX_PIXELS_PER_BYTE * Math.max(fileBytes, 64)) {
            throw new DatasetFormatException(file, "image size " + width + "x" + height
                    + " is larger than cbd4j accepts or than a " + fileBytes + "-byte file can hold");
        }
    }

    private static DecodedImage fromBuffered(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        boolean gray = img.getColorModel().getNumColorComponents() == 1
                && !(img.getColorModel() instanceof java.awt.image.IndexColorModel);
        if (gray) {
            // Gray samples as stored: getRGB would apply a linear-to-sRGB curve to them.
            java.awt.image.Raster raster = img.getRaster();
            double scale = 255.0 / ((1L << img.getSampleModel().getSampleSize(0)) - 1);
            byte[] px = new byte[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    px[y * w + x] = (byte) Math.round(raster.getSample(x, y, 0) * scale);
                }
            }
            return new DecodedImage(w, h, 1, px);
        }
        byte[] px = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int at = (y * w + x) * 3;
                px[at] = (byte) (argb >> 16);
                px[at + 1] = (byte) (argb >> 8);
                px[at + 2] = (byte) argb;
            }
        }
        return new DecodedImage(w, h, 3, px);
    }
}
