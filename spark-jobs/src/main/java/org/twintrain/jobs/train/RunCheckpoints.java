package org.twintrain.jobs.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.twintrain.engine.Param;
import org.twintrain.sharing.arith.Matrix;
import org.twintrain.sharing.channel.Channel;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.StoredTripleSource;
import org.twintrain.sharing.triples.TripleKey;
import org.twintrain.sharing.triples.TripleLedger;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.sharing.triples.TripleSource;
import org.twintrain.store.CheckpointManifest;
import org.twintrain.store.CheckpointStore;
import org.twintrain.store.DataShareManifest;
import org.twintrain.store.RunIdentity;
import org.twintrain.store.StoreLayout;

/**
 * One server's checkpoints of a secure training run, and its triple ledger's commits.
 *
 * <p>Every {@code every} steps (and after the last step) the server writes its parameter and velocity shares
 * to its own store ({@link CheckpointStore}), then confirms with the peer that both hold that step ({@link
 * ResumeAgreement#confirm}), then commits the triple keys taken since the last commit to its ledger, then keeps
 * only the last two checkpoints. On start, the servers agree on the largest step both hold and load it.
 *
 * <p>Why the ledger commits only after the confirmation: an attempt that fails resumes from the last common
 * checkpoint and takes again the keys of the steps after it. That replay starts from the same shares with the
 * same triples (keys are named by step, the batch order is seeded, the data and settings are checked by {@link
 * org.twintrain.store.RunIdentity}), so it opens exactly the masked values the failed attempt opened and
 * reveals nothing new. The ledger must then not list those keys yet, or the replay would be refused and the
 * key listed twice. Once both servers confirmed step N, no agreement can fall below N, so the keys of the
 * steps before N are never taken again and can be written. If a server stops between the confirmation and
 * its commit, the next attempt (which resumes at N or later) writes the missing keys of the steps before the
 * agreed step from the plan ({@link #resume}), so the ledger ends up listing every key once.
 */
final class RunCheckpoints implements Checkpointing {
    private static final Logger LOG = LoggerFactory.getLogger(RunCheckpoints.class);
    private static final int KEEP = 2;

    private final Channel channel;
    private final long every;
    private long keepEvery;
    private final CheckpointStore store;
    private final CheckpointManifest identity;
    private final TripleLedger ledger;
    private final TriplePlan plan;
    private final String namespace;
    private final List<Channel> siblings;
    private final boolean lead;
    private long confirmed = -1;
    private long lastStep;
    private java.util.function.LongConsumer onConfirmed = step -> { };

    /**
     * @param every    checkpoint interval in steps, 0 for none (then only the ledger's final commit happens)
     * @param identity this server's checkpoint fields (step and name lists are ignored)
     * @param ledger   the resumable ledger of stored triples, or null (in-application dealer)
     * @param plan     the stored triples' plan (with a ledger), to write keys a stopped attempt did not commit
     */
    RunCheckpoints(Channel channel, long every, CheckpointStore store, CheckpointManifest identity,
            TripleLedger ledger, TriplePlan plan) {
        this(channel, every, store, identity, ledger, plan, "", List.of(), true);
    }

    /**
     * As one of k data-parallel tasks of the server. Task 0 (lead) does all of the above with its peer and tells
     * its siblings each agreed and confirmed step over the sibling channels; the others (lead false) read the
     * checkpoint the lead agreed on, and commit their own ledgers (their namespace's keys) when told.
     *
     * @param namespace this task's triple-key namespace ("" with one task)
     * @param siblings  the lead: channels to tasks 1..k-1; any other task: the channel to the lead
     */
    RunCheckpoints(Channel channel, long every, CheckpointStore store, CheckpointManifest identity,
            TripleLedger ledger, TriplePlan plan, String namespace, List<Channel> siblings, boolean lead) {
        if (every < 0) {
            throw new IllegalArgumentException("train.checkpointEvery must be 0 (off) or positive, got " + every);
        }
        this.channel = channel;
        this.every = every;
        this.store = store;
        this.identity = identity;
        this.ledger = ledger;
        this.plan = plan;
        this.namespace = namespace;
        this.siblings = List.copyOf(siblings);
        this.lead = lead;
    }

    /**
     * Before the channel opens: records this run's {@link RunIdentity} in the server's store on its first
     * attempt and refuses a later attempt that would compute something else (with checkpoints or stored triples;
     * a run with neither never replays a step).
     */
    static void claimRun(int party, String runId, StoreLayout store, DataShareManifest data,
            Map<String, String> settings, Configuration hadoop) throws IOException {
        if (every(settings) > 0 || !settings.get("triples.plan").isEmpty()) {
            new CheckpointStore(store, runId, hadoop).claim(new RunIdentity(RunIdentity.FORMAT_VERSION, party, runId,
                    data.datasetId(), data.sessionId(), settingsDigest(settings)));
        }
    }

    /** The checkpoints of one server's task, in its own store, with its ledger (null: in-application dealer). */
    static RunCheckpoints forServer(int party, String runId, StoreLayout store, DataShareManifest data,
            Map<String, String> settings, Configuration hadoop, Channel channel, TripleLedger ledger,
            TripleSource triples, int task, int tasks, List<Channel> siblings) {
        CheckpointManifest identity = new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, party, runId, 0,
                data.datasetId(), data.sessionId(), data.fractionalBits(), settings.get("model.name"), List.of(),
                List.of(), Map.of());
        return new RunCheckpoints(channel, every(settings), new CheckpointStore(store, runId, hadoop), identity, ledger,
                triples instanceof StoredTripleSource s ? s.plan() : null, DataParallel.namespace(task, tasks), siblings,
                task == 0).keepingEvery(keepEvery(settings));
    }

    RunCheckpoints keepingEvery(long keepEvery) {
        this.keepEvery = keepEvery;
        return this;
    }

    /**
     * train.checkpointKeepEvery: also keep the checkpoints at multiples of that many steps (0: only the last two).
     * It must be a multiple of the checkpoint interval, or no checkpoint would ever match; checked before pairing.
     */
    static long keepEvery(Map<String, String> settings) {
        long keep = Long.parseLong(settings.getOrDefault("train.checkpointKeepEvery", "0"));
        long every = every(settings);
        if (keep < 0 || (keep > 0 && (every == 0 || keep % every != 0))) {
            throw new IllegalArgumentException("train.checkpointKeepEvery must be 0 (off) or a positive multiple of"
                    + " train.checkpointEvery (" + every + "), got " + keep);
        }
        return keep;
    }

    /**
     * What the lead does after each step both servers confirmed and its ledger committed (the step's checkpoint
     * covers every key before it): e.g. delete the triple windows it covers.
     */
    RunCheckpoints whenConfirmed(java.util.function.LongConsumer action) {
        this.onConfirmed = action;
        return this;
    }

    private static long every(Map<String, String> settings) {
        return Long.parseLong(settings.get("train.checkpointEvery"));
    }

    /**
     * SHA-256 over the settings that decide what a run computes (ring, approximations, model, training, triple
     * plan), in key order; operational ones (progress, checkpoint interval, attempts, channel, Spark) may change
     * between attempts of a run.
     */
    static String settingsDigest(Map<String, String> settings) {
        java.util.Set<String> operational = java.util.Set.of("train.progressEvery", "train.checkpointEvery",
                "train.checkpointKeepEvery", "train.maxAttempts");
        StringBuilder text = new StringBuilder();
        new java.util.TreeMap<>(settings).forEach((k, v) -> {
            boolean computes = k.startsWith("ring.") || k.startsWith("approx.") || k.startsWith("model.")
                    || k.startsWith("train.") || k.equals("triples.plan");
            if (computes && !operational.contains(k)) {
                text.append(k).append('=').append(v).append('\n');
            }
        });
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public long resume(List<Param> params, Map<String, Matrix> velocities) {
        if (every == 0) {
            return 0;
        }
        try {
            List<Long> mine = store.steps();
            long step;
            if (lead) {
                step = ResumeAgreement.agree(channel, every, mine);
                store.deleteAfter(step);
                tellSiblings(step);
            } else {
                step = hearLead(-1);
            }
            if (step > 0) {
                CheckpointStore.State state = store.read(step, identity);
                for (Param p : params) {
                    LongMatrix share = state.params().get(p.name());
                    if (share == null) {
                        throw new IllegalArgumentException(store.folder(step) + " holds no share of parameter " + p.name());
                    }
                    p.set(share);
                }
                velocities.clear();
                velocities.putAll(state.velocities());
                LOG.info("server {}: resuming run {} at step {} (checkpoints held here {}, agreed with peer {})",
                        identity.party(), identity.runId(), step, mine, channel.peerName());
            }
            commitKeysBefore(step);
            confirmed = step;
            lastStep = step;
            return step;
        } catch (IOException e) {
            throw new UncheckedIOException("server " + identity.party() + ": cannot read the checkpoints in "
                    + store.folder(), e);
        }
    }

    /** Writes to the ledger the plan's training keys of steps before step that it does not list yet. */
    private void commitKeysBefore(long step) {
        if (ledger == null || step == 0) {
            return;
        }
        int added = 0;
        for (TripleKey k : plan.keys()) {
            if (k.epoch() >= 0 && k.step() < step && k.layer().startsWith(namespace) && !ledger.isConsumed(k)) {
                ledger.record(k);
                added++;
            }
        }
        ledger.commit();
        if (added > 0) {
            LOG.warn("server {}: the ledger lacked {} keys of the steps before {} (an attempt stopped before it"
                    + " committed them); written now", identity.party(), added, step);
        }
    }

    @Override
    public void afterStep(long step, long totalSteps, List<Param> params, Map<String, Matrix> velocities) {
        lastStep = step;
        if (every == 0 || (step % every != 0 && step != totalSteps)) {
            return;
        }
        if (!lead) {
            hearLead(step);
            if (ledger != null) {
                ledger.commit();
            }
            confirmed = step;
            return;
        }
        try {
            store.write(step, identity, shares(params), asLong(velocities));
            ResumeAgreement.confirm(channel, step);
            if (ledger != null) {
                ledger.commit();
            }
            tellSiblings(step);
            confirmed = step;
            store.keepLast(KEEP, keepEvery);
            onConfirmed.accept(step);
        } catch (IOException e) {
            throw new UncheckedIOException("server " + identity.party() + ": cannot write the checkpoint of step "
                    + step + " to " + store.folder(step), e);
        }
    }

    /**
     * After the model share is written: commits the last keys (after confirming with the peer, unless the
     * checkpoint of the last step did) and marks the run done in the ledger.
     */
    void finish() {
        if (ledger == null) {
            return;
        }
        if (!lead) {
            hearLead(lastStep);
        } else {
            if (confirmed != lastStep || confirmed < 0) {
                ResumeAgreement.confirm(channel, lastStep);
            }
            tellSiblings(lastStep);
        }
        ledger.finish();
        if (lead) {
            onConfirmed.accept(lastStep);
        }
    }

    /** The lead tells its siblings a step both servers agreed on or confirmed. */
    private void tellSiblings(long step) {
        for (Channel c : siblings) {
            c.send(new long[] {step});
        }
    }

    /** A sibling waits for the lead's step; expected is the step it must be (-1: any, at resume). */
    private long hearLead(long expected) {
        long step = siblings.get(0).receive(1)[0];
        if (expected >= 0 && step != expected) {
            throw new IllegalStateException("server " + identity.party() + ": task 0 confirmed step " + step
                    + " where this task is at step " + expected + " (the server's tasks went out of step)");
        }
        return step;
    }

    private static Map<String, LongMatrix> shares(List<Param> params) {
        Map<String, LongMatrix> out = new LinkedHashMap<>();
        for (Param p : params) {
            out.put(p.name(), (LongMatrix) p.value());
        }
        return out;
    }

    private static Map<String, LongMatrix> asLong(Map<String, Matrix> velocities) {
        Map<String, LongMatrix> out = new LinkedHashMap<>();
        velocities.forEach((k, v) -> out.put(k, (LongMatrix) v));
        return out;
    }
}
