package org.cbd4j.method;

/**
 * Where a method comes from: a short citation and a link ({@link #NONE} for cbd4j's own
 * reference points such as "no defense").
 */
public record Paper(String citation, String url) {

    /** For a method that is not from a paper. */
    public static final Paper NONE = new Paper("", "");

    /** The citation followed by the link, or "" when there is none. */
    @Override
    public String toString() {
        return citation.isEmpty() ? "" : url.isEmpty() ? citation : citation + " <" + url + ">";
    }
}
