package org.twintrain.sharing.protocol;

/**
 * This party's XOR share of {@code count} bits, packed 64 to a word: bit e is bit (e mod 64) of word e / 64.
 * The bits past count in the last word are meaningless. toString never prints the words.
 */
public record SharedBits(int count, long[] words) {

    public SharedBits {
        if (words.length != wordsFor(count)) {
            throw new IllegalArgumentException(count + " bits need " + wordsFor(count) + " words, got " + words.length);
        }
    }

    public static int wordsFor(int count) {
        return (count + 63) >>> 6;
    }

    public long bit(int e) {
        return (words[e >>> 6] >>> (e & 63)) & 1L;
    }

    @Override
    public String toString() {
        return "SharedBits[" + count + "]";
    }
}
