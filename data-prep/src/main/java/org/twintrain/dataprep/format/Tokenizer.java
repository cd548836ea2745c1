package org.twintrain.dataprep.format;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one tokenizer of TwinTrain's text data, exactly:
 * <ol>
 *   <li>Unicode NFC normalization (so a composed and a decomposed "é" are the same token);</li>
 *   <li>lower-casing with {@link Locale#ROOT};</li>
 *   <li>splitting on white space ({@link Character#isWhitespace} or {@link Character#isSpaceChar}, so the
 *       no-break spaces of French typography count);</li>
 *   <li>within a white-space-separated chunk, a maximal run of letters, digits and combining marks is one
 *       token, and every other code point (punctuation, symbols: {@code . , ' - " ! ? ( ) :} ...) is a token of
 *       its own. So {@code "L'homme, 3.5-ans!"} becomes {@code l ' homme , 3 . 5 - ans !}.</li>
 * </ol>
 * Tokens never contain white space, so a vocabulary file with one token a line is unambiguous.
 */
public final class Tokenizer {
    private Tokenizer() {
    }

    /** Tokens of one sentence (empty for a blank line). */
    public static List<String> tokenize(String sentence) {
        String text = Normalizer.normalize(sentence, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
        List<String> tokens = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                flush(word, tokens);
            } else if (isWordChar(cp)) {
                word.appendCodePoint(cp);
            } else {
                flush(word, tokens);
                tokens.add(new String(Character.toChars(cp)));
            }
        }
        flush(word, tokens);
        return tokens;
    }

    private static boolean isWordChar(int cp) {
        if (Character.isLetterOrDigit(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    private static void flush(StringBuilder word, List<String> tokens) {
        if (word.length() > 0) {
            tokens.add(word.toString());
            word.setLength(0);
        }
    }
}
