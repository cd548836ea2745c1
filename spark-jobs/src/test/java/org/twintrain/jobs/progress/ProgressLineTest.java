package org.twintrain.jobs.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong now = new AtomicLong();

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void formatsPercentElapsedAndEta() {
        assertEquals("prep:  40% (4/10 tasks), elapsed 8 s, ETA 12 s",
                ProgressLine.format("prep", "tasks", 4, 10, 8.0, ""));
        assertEquals("train: 100% (55/55 steps), elapsed 2 min 05 s, ETA 0 s, 1,024 bytes sent",
                ProgressLine.format("train", "steps", 55, 55, 125.0, "1,024 bytes sent"));
        assertEquals("x:   0% (0/3 tasks), elapsed 1 s, ETA ?", ProgressLine.format("x", "tasks", 0, 3, 1.0, null));
        assertEquals("1 h 02 min", ProgressLine.duration(3725));
    }

    @Test
    void inLogsOneLinePerTenthOfTheWork() {
        ProgressLine line = new ProgressLine("triples", "tasks", out, false, now::get);
        for (int done = 0; done <= 40; done++) {
            now.addAndGet(1_000_000_000L);
            line.update(done, 40, "");
        }
        line.finish();
        String[] lines = text().split("\n");
        assertEquals(11, lines.length, text());
        assertTrue(lines[0].startsWith("triples:   0% (0/40 tasks)"), lines[0]);
        assertTrue(lines[4].startsWith("triples:  40% (16/40 tasks), elapsed 17 s, ETA 26 s"), lines[4]);
        assertTrue(lines[10].startsWith("triples: 100% (40/40 tasks)"), lines[10]);
        assertTrue(!text().contains("\r"), "no carriage return in a log");
    }

    @Test
    void atATerminalOneLineRedrawnInPlaceAtMostFourTimesASecond() {
        ProgressLine line = new ProgressLine("train, server 0", "steps", out, true, now::get);
        for (int step = 1; step <= 100; step++) {
            now.addAndGet(50_000_000L); // 20 steps a second
            line.update(step, 100, "");
        }
        line.finish();
        String t = text();
        assertEquals(1, t.chars().filter(c -> c == '\n').count(), "one line, ended once: " + t);
        assertTrue(t.endsWith("train, server 0: 100% (100/100 steps), elapsed 5 s, ETA 0 s\n"), t);
        long draws = t.chars().filter(c -> c == '\r').count();
        assertTrue(draws >= 15 && draws <= 22, "redrawn about every 250 ms over 5 s, not per step: " + draws);
    }
}
