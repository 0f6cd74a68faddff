#!/usr/bin/env python3
"""Deterministic synthetic corpus of incident postmortems for Hindsight benchmarks.

    python3 bench/gen.py --n 10000 --out bench-out/corpus-10000 [--seed 7]

Writes:
    OUT/hindsight.toml
    OUT/content/postmortems/pm-<nnnnn>.md   (N postmortems)
    OUT/content/learnings/<id>.md           (canonical learnings)

Same --seed and --n give byte-identical output.  Python 3.11 standard library only.
Text comes from templates filled from word pools sampled with Zipf-like weights, plus
per-incident rare tokens (pod names, error codes, ticket numbers) so that every file has
a distinctive phrase that a search benchmark can look for.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import os
import random
import re
import sys
import time

# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    """Split a whitespace separated list, dropping duplicates but keeping order."""
    seen: dict[str, None] = {}
    for w in text.split():
        seen.setdefault(w.replace("_", " "), None)
    return list(seen)


def _raw_words(text: str) -> list[str]:
    """Like _words but keeps underscores (identifiers such as config keys)."""
    return list(dict.fromkeys(text.split()))


def _items(text: str) -> list[str]:
    """Split a `|`-separated list of phrases (multi-word items), keep order, dedupe."""
    seen: dict[str, None] = {}
    for w in text.split("|"):
        w = " ".join(w.split())
        if w:
            seen.setdefault(w, None)
    return list(seen)


SERVICES = _words("""
checkout-api payments-gateway redis-cache auth-service user-profile search-indexer
order-service inventory-service billing-worker notification-service email-sender sms-gateway
api-gateway edge-proxy cdn-edge image-resizer recommendation-engine feature-flags
config-service session-store postgres-primary mysql-orders kafka-cluster rabbitmq
elasticsearch dns-resolver load-balancer k8s-control-plane ci-runners artifact-registry
metrics-pipeline log-shipper tracing-collector alertmanager job-scheduler cron-runner
webhook-dispatcher fraud-detection tax-calculator shipping-quotes catalog-service
pricing-service cart-service mobile-bff web-frontend admin-console reporting-warehouse
etl-pipeline object-storage backup-service vault identity-provider rate-limiter geo-service
translation-service video-transcoder chat-service ledger-service payout-service kyc-service
""")

TAGS = _words("""
latency cache database deploy config-change dns network capacity memory-leak cpu disk-full
certificate expired-credentials third-party data-loss data-corruption replication failover
kubernetes autoscaling rate-limiting retry-storm thundering-herd timeout queue-backlog
monitoring-gap alerting on-call runbook rollback feature-flag migration schema-change index
lock-contention deadlock connection-pool load-balancer cdn tls security auth permissions cost
batch-job cron clock-skew leap-second time-zone encoding serialization dependency-upgrade
build-pipeline ci human-error communication customer-impact sla-breach partial-outage
full-outage
""")

TEAMS = _words("""
team-payments team-platform team-sre team-data team-search team-identity team-mobile
team-web team-infra team-networking team-security team-growth team-checkout team-storage
team-observability team-billing
""")

REGIONS = _words("""
eu-west-1 eu-central-1 us-east-1 us-east-2 us-west-2 ap-southeast-1 ap-northeast-1
sa-east-1 fra2 ams3 iad1 sfo2 sin1 lhr4
""")

INITIALS = _words("A B C D E F G H J K L M N P R S T V W Y")

# General vocabulary, most frequent first within each pool (Zipf weights follow order).
NOUNS = _words("""
request service error database cache change deploy alert traffic team customer query
connection node cluster config engineer latency timeout user response page retry pool
process memory disk network replica region message queue worker job token certificate
limit metric dashboard log trace rollout flag migration schema table index transaction
lock backup restore file bucket header payload field record event stream pipeline task
ticket runbook escalation channel status incident outage impact symptom cause trigger
assumption gap risk mitigation workaround fix patch hotfix rollback revert commit branch
build artifact image version dependency library driver client server proxy gateway
balancer endpoint host instance machine kernel scheduler controller operator probe check
heartbeat lease election quorum clock timestamp offset lag backlog burst spike plateau
trend baseline capacity headroom cost order cart payment refund charge account session
cookie login password email notification webhook callback vendor provider contract team
owner reviewer approver manager stakeholder announcement postmortem review meeting
decision question hypothesis experiment test suite fixture environment staging production
sandbox datacenter rack link circuit firewall subnet address port socket handshake
protocol cipher resolver registry mirror shard keyspace compaction eviction expiry ttl
watermark checkpoint cursor iterator buffer allocation heap stack goroutine collector
pause benchmark profile flamegraph regression anomaly outlier signal noise pager severity
priority roadmap quarter sprint week weekend holiday night morning afternoon evening
minute hour day month threshold quota policy rule role permission secret key credential
thread container pod topic consumer producer partition leader follower primary snapshot
checksum directory object blob upload download histogram percentile budget objective
window canary switch toggle row column deadlock span sample graph volume packet route
zone throughput load tenant namespace sidecar daemon agent collector exporter scraper
cron batch backfill replay reconciliation audit invariant contract migration cutover
failover switchover drain cordon taint affinity limitrange autoscaler replicaset
deployment statefulset manifest chart template variable parameter argument flag option
default override precedence fallback degradation brownout blackout saturation contention
starvation fragmentation leak churn jitter skew drift flapping oscillation feedback loop
amplification cascade herd stampede storm avalanche backpressure throttle semaphore mutex
latch barrier fence epoch generation revision changelog diff rebase cherry-pick tag
label annotation selector matcher filter mapper reducer aggregator scheduler planner
optimizer executor statement plan scan join sort hash bloom trie heap arena slab page
segment extent block sector inode mount journal fsync flush commit abort savepoint
isolation serializability visibility consistency durability availability partition
tolerance idempotency ordering delivery duplicate acknowledgement redelivery poison dlq
consumer-group rebalance assignment lease renewal expiration revocation rotation
issuance chain authority intermediate root bundle keystore truststore vault seal unseal
""")

VERBS = _words("""
increased dropped failed restarted crashed recovered spiked degraded rejected retried
throttled queued processed deployed reverted merged reviewed approved tested verified
confirmed noticed observed detected paged escalated acknowledged investigated identified
suspected traced correlated compared reproduced patched fixed mitigated disabled enabled
toggled drained cordoned scaled resized promoted demoted replicated synced flushed
evicted expired rotated renewed revoked leaked exhausted saturated overloaded starved
blocked locked stalled hung corrupted truncated duplicated lost delayed skipped ignored
missed masked hid amplified cascaded propagated triggered caused exposed revealed
surfaced highlighted documented updated announced communicated coordinated shipped
released migrated rebuilt reindexed compacted vacuumed backfilled replayed reconciled
audited monitored graphed sampled logged parsed serialized encoded decoded compressed
cached invalidated purged warmed preloaded provisioned allocated freed reclaimed killed
terminated spawned forked scheduled rescheduled postponed paused resumed split sharded
rebalanced elected fenced isolated quarantined contained restored validated checked
assumed expected predicted estimated measured calculated reported requested returned
served routed forwarded proxied resolved refused reset closed opened connected
disconnected reconnected authenticated authorized denied granted removed added changed
configured misconfigured overrode pinned upgraded downgraded installed rebooted reloaded
overwhelmed outpaced undercounted overcounted misreported obscured delayed complicated
simplified accelerated slowed doubled halved tripled capped bounded unblocked unstuck
""")

ADJECTIVES = _words("""
slow high elevated intermittent partial degraded stale missing duplicate unexpected
critical minor major severe noisy hot cold idle busy saturated overloaded brittle
fragile resilient redundant single shared internal external upstream downstream primary
secondary regional global local remote manual automatic automated scheduled periodic
nightly weekly daily hourly new old legacy deprecated experimental stable unstable flaky
consistent inconsistent strict lenient aggressive conservative default custom misleading
ambiguous unclear obvious subtle hidden visible silent large small huge tiny excessive
insufficient unbounded bounded synchronous asynchronous concurrent sequential parallel
idempotent transient persistent permanent temporary risky safe unsafe known unknown
undocumented outdated incorrect correct wrong orphaned dangling cascading recurring rare
frequent sudden gradual steady sharp significant negligible measurable noticeable
customer-facing user-visible read-only write-heavy read-heavy latency-sensitive
underprovisioned overprovisioned fast low full complete healthy unhealthy fresh corrupt
invalid valid expired expected quiet warm public private dedicated loud misrouted
surprising confusing reliable unreliable predictable unpredictable cheap expensive
complex simple manual-only half-finished long-running short-lived well-tested untested
hardcoded configurable versioned unversioned encrypted unencrypted signed unsigned
""")

ADVERBS = _words("""
quickly slowly gradually suddenly eventually immediately briefly repeatedly
intermittently silently manually automatically temporarily permanently partially fully
completely correctly incorrectly unexpectedly consistently occasionally frequently
rarely steadily sharply significantly slightly roughly only again already still later
earlier meanwhile afterwards initially finally ultimately previously recently
historically typically usually normally safely cautiously aggressively proactively
reactively independently jointly concurrently sequentially explicitly implicitly
""")

COMPONENTS = _items("""
connection pool|load balancer|read replica|primary database|cache cluster|message broker|
DNS resolver|service mesh|ingress controller|sidecar proxy|rate limiter|circuit breaker|
retry policy|health check|readiness probe|liveness probe|autoscaler|job scheduler|
cron job|batch importer|search index|session store|feature flag service|config loader|
secrets manager|certificate bundle|TLS terminator|CDN cache|object store|write-ahead log|
replication slot|consumer group|dead letter queue|webhook worker|payment processor client|
fraud scoring model|tax rules engine|pricing cache|inventory snapshot|thumbnail pipeline|
metrics exporter|log shipper|tracing agent|alert rule|on-call rotation|status page|
deploy pipeline|build cache|artifact store|container registry|node pool|kubelet|
etcd cluster|NAT gateway|VPN tunnel|peering link|firewall rule|WAF rule set|
GC settings|JVM heap|thread pool|event loop|worker pool|file descriptor limit|
kernel conntrack table|disk quota|inode table|backup job|restore script|
migration tool|schema registry|ORM query builder|query planner|vacuum daemon
""")

METRICS = _items("""
p99 latency|p95 latency|error rate|5xx rate|request rate|CPU utilisation|memory usage|
heap usage|GC pause time|disk usage|disk IOPS|replication lag|consumer lag|queue depth|
connection count|open file descriptors|thread count|cache hit ratio|eviction rate|
checkout conversion|login success rate|payment authorisation rate|page load time|
time to first byte|DNS query failures|TLS handshake errors|retry rate|timeout rate|
pod restart count|node pressure|network egress|packet loss|SLO burn rate|
apdex score|job duration|backlog age|write latency|lock wait time
""")

SYMPTOMS = _items("""
latency spike|elevated 5xx errors|request timeouts|stale reads|duplicate charges|
dropped messages|login failures|intermittent 502s|memory exhaustion|CPU saturation|
queue backlog|data inconsistency|missing emails|slow page loads|failed deploys|
connection resets|cascading failures|degraded search results|double notifications|
lost writes|stuck orders|empty carts|blank product pages|failed payouts|
delayed webhooks|broken image thumbnails|expired sessions|wrong prices|
missing invoices|replication stall|split brain|certificate errors|DNS resolution failures|
throttled API calls|runaway costs|partial data loss|out-of-order events
""")

TRIGGERS = _items("""
cache eviction storm|config push|certificate expiry|schema migration|dependency upgrade|
DNS change|traffic surge from a marketing campaign|noisy neighbour|leap second|
disk filling up|failed failover|expired API token|Kafka partition rebalance|
runaway cron job|bad feature flag|network partition|upstream provider outage|
misconfigured autoscaler|connection pool exhaustion|kernel upgrade|clock skew|
index rebuild|log volume spike|retry storm|botched rollback|
load balancer health check change|secret rotation|node pool upgrade|
TLS library update|ORM upgrade|daylight saving time change|bulk import|
unbounded query|cloud provider maintenance|accidental data deletion|
firewall rule change|rate limit misconfiguration|memory leak in a new release|
thundering herd after restart|stale DNS cache|full inode table|
a missing database index|an expired domain|a quota limit at the cloud provider
""")

CHANNELS = _items("support tickets|social media|the status page inbox|a partner escalation|"
                  "an internal chat thread|the sales team|a large customer's account manager")

ACTIONS = _items("""
check out|log in|reset their password|upload images|receive notifications|see order history|
complete payments|search the catalog|access the admin console|download invoices|
receive payouts|open the mobile app|sign up|update their profile|track shipments
""")

SUSPECTS = _items("""
the most recent deploy|a network issue in the cloud provider|the new load balancer rules|
a database failover|a bad cache node|a noisy neighbour on the shared cluster|
an upstream provider|the weekend's kernel upgrade|a slow query from the reporting job|
DNS propagation|the feature flag rollout|an expired credential
""")

LANG_SQL_TABLES = _raw_words("""
orders payments sessions users invoices line_items shipments refunds payouts events
audit_log feature_flags carts inventory_levels price_rules webhooks jobs
""")

# Pseudo-words used as internal code names (tools, jobs, dashboards): a long tail of
# rare terms with a fixed vocabulary that does not depend on --seed.
_ONSETS = ["b", "br", "c", "ch", "cl", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k",
           "kr", "l", "m", "n", "p", "pr", "qu", "r", "s", "sk", "sl", "st", "t", "th",
           "tr", "v", "w", "z"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y"]
_CODAS = ["", "", "n", "r", "l", "x", "st", "nd", "k", "m", "s", "th", "ck", "rn"]


def _codenames(count: int) -> list[str]:
    rng = random.Random(424242)
    out: dict[str, None] = {}
    while len(out) < count:
        syl = rng.choice((2, 2, 2, 3))
        w = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syl - 1))
        w += rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
        if 4 <= len(w) <= 11:
            out.setdefault(w, None)
    return list(out)


CODENAMES = _codenames(1600)


class Zipf:
    """Sample from a list with weights 1/(rank+1)^s, rank = position in the list."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items: list[str], s: float = 1.05, shuffle_seed: int | None = None):
        items = list(items)
        if shuffle_seed is not None:
            random.Random(shuffle_seed).shuffle(items)
        self.items = items
        acc = 0.0
        cum = []
        for r in range(len(items)):
            acc += 1.0 / (r + 1) ** s
            cum.append(acc)
        self.cum = cum
        self.total = acc

    def pick(self, rng: random.Random) -> str:
        i = bisect.bisect_left(self.cum, rng.random() * self.total)
        return self.items[min(i, len(self.items) - 1)]


Z_NOUN = Zipf(NOUNS, 1.0)
Z_VERB = Zipf(VERBS, 1.0)
Z_ADJ = Zipf(ADJECTIVES, 1.0)
Z_ADV = Zipf(ADVERBS, 0.9)
Z_COMP = Zipf(COMPONENTS, 0.8)
Z_METRIC = Zipf(METRICS, 0.8)
Z_CODE = Zipf(CODENAMES, 1.1)
Z_SERVICE = Zipf(SERVICES, 0.7, shuffle_seed=11)
Z_TAG = Zipf(TAGS, 0.9, shuffle_seed=12)
Z_SYMPTOM = Zipf(SYMPTOMS, 0.6)
Z_TRIGGER = Zipf(TRIGGERS, 0.6)
Z_TEAM = Zipf(TEAMS, 0.5)

# --------------------------------------------------------------------------------------
# Canonical learnings: id, title, summary, body, paraphrase templates
# --------------------------------------------------------------------------------------

LEARNINGS = [
    ("alert-on-symptoms", "Alert on symptoms, not causes",
     "Page humans on what users experience, such as errors and latency, rather than on internal causes.",
     "Cause-based alerts fire for things that do not hurt anyone and stay silent for failure modes nobody predicted. "
     "Alerting on symptoms that customers feel, such as error rate and latency against an objective, catches both the known and the unknown failure modes and keeps the pager quiet otherwise.",
     ["Alert on symptoms that customers feel, not on causes such as {metric}.",
      "We paged on {metric} of {svc} instead of user-facing errors, so the page came late.",
      "Our alerts watched internal {metric} while customers saw {symptom}; page on what users experience.",
      "Nobody was paged because the alert measured a cause, not the symptom customers reported."]),
    ("test-restores", "Backups are only as good as the last tested restore",
     "Regularly restore backups into a scratch environment and time the restore.",
     "A backup that has never been restored is a hope, not a plan. Scheduled restore drills prove the data is readable and tell you how long recovery really takes.",
     ["The backup of {svc} had never been restored, and the restore took {dur} longer than planned.",
      "Test restores regularly; an untested backup is not a backup.",
      "We only learned the {comp} backups were incomplete when we tried to restore them."]),
    ("stage-config-changes", "Roll out configuration changes progressively",
     "Treat configuration like code and roll it out in stages with automatic rollback.",
     "Global configuration pushes skip every safety net that code deploys enjoy. Staging configuration through canaries and regions limits the blast radius of a typo.",
     ["A config change to {svc} went everywhere at once; stage config like code.",
      "Configuration pushes need the same canary and rollback as code deploys.",
      "The {comp} setting was changed globally in one step instead of region by region."]),
    ("timeouts-everywhere", "Every network call needs a timeout",
     "Set explicit, budgeted timeouts on every outbound call.",
     "Default timeouts are often infinite or far too long. A single slow dependency then ties up threads and connections until the caller falls over too.",
     ["The call from {svc} to {svc2} had no timeout, so threads piled up.",
      "Every outbound request needs an explicit timeout shorter than the caller's own deadline.",
      "A missing timeout on the {comp} turned a slow dependency into a full outage."]),
    ("retry-with-backoff", "Retry with exponential backoff and jitter",
     "Immediate retries multiply load on a struggling dependency; back off and add jitter.",
     "Synchronised retries turn a small blip into a retry storm. Exponential backoff with jitter and a retry budget keeps retries from becoming the outage.",
     ["Clients of {svc} retried immediately and amplified the load; use backoff with jitter.",
      "Retries without jitter synchronised into a storm that kept {svc} down.",
      "Cap retries with a budget so that a blip in {svc2} cannot triple traffic."]),
    ("capacity-headroom", "Keep capacity headroom for peak plus failure",
     "Plan capacity so that peak traffic still fits after losing a zone.",
     "Running hot saves money until the day a zone fails during peak. Headroom planning should assume the largest expected peak and the loss of the largest failure domain.",
     ["{svc} ran at {pct} of capacity, leaving no headroom for the traffic peak.",
      "Capacity planning assumed all zones healthy; plan for peak plus one failure.",
      "We had no spare capacity when {region} degraded and traffic shifted."]),
    ("runbooks-current", "Keep runbooks next to the alerts that need them",
     "Every paging alert should link to a current, tested runbook.",
     "An on-call engineer woken at night should not have to search a wiki. Linking runbooks from alerts and reviewing them after each use keeps them accurate.",
     ["The runbook for {svc} was out of date and pointed at a decommissioned host.",
      "Link each alert to its runbook and update the runbook after every incident.",
      "On-call spent {dur} finding the right procedure because the alert had no runbook."]),
    ("feature-flag-kill-switch", "Ship risky changes behind a kill switch",
     "Put risky behaviour behind a flag that can be turned off without a deploy.",
     "A kill switch turns a rollback that takes a full deploy cycle into a change that takes seconds. It only helps if the flag is tested and the on-call engineer knows it exists.",
     ["A kill switch for the new {comp} would have ended the incident in minutes.",
      "Risky changes to {svc} should ship behind a flag that on-call can turn off.",
      "Turning off the flag fixed it at once; the hard part was knowing the flag existed."]),
    ("cert-expiry-monitoring", "Monitor certificate and credential expiry",
     "Track expiry dates of certificates, tokens and keys and alert weeks ahead.",
     "Expiry is the most predictable failure there is, yet it keeps causing outages. An inventory of expiring secrets with alerts well ahead of time prevents it.",
     ["The certificate for {svc} expired without any warning; monitor expiry dates.",
      "Credential expiry is predictable, so alert on it weeks in advance.",
      "An expired token used by {svc2} was not in any inventory."]),
    ("limit-blast-radius", "Limit the blast radius of a single change",
     "Design deploys and changes so that one mistake cannot affect every customer at once.",
     "Cells, regions and staged rollouts contain the damage of a bad change. The aim is that any single change can only break a small slice of traffic.",
     ["One change to {svc} affected every region at once; contain the blast radius.",
      "Roll out changes cell by cell so a mistake only touches a slice of customers.",
      "Shared {comp} meant that a local problem became a global outage."]),
    ("dependency-isolation", "Isolate critical paths from optional dependencies",
     "Optional features must not be able to take down the critical path.",
     "Bulkheads, separate pools and graceful degradation let the critical path survive when a non-essential dependency fails.",
     ["The optional {svc2} call sat on the critical path of {svc}; degrade gracefully instead.",
      "Use separate pools so a slow optional dependency cannot starve checkout.",
      "A non-essential feature took down the critical path because they shared a {comp}."]),
    ("rollback-first", "Roll back first, debug later",
     "When a recent change correlates with an incident, revert it before investigating.",
     "Time spent proving a change guilty is time customers spend in an outage. Rolling back first is cheap and usually reversible.",
     ["We spent {dur} debugging before rolling back; roll back first.",
      "Revert the most recent change to {svc} as soon as it correlates with the symptoms.",
      "Rolling back earlier would have shortened the outage considerably."]),
    ("schema-migrations-expand-contract", "Use expand and contract for schema migrations",
     "Make schema changes backwards compatible in several small deploys.",
     "Expand and contract keeps old and new code working against the same schema, so a rollback never meets a schema it cannot read.",
     ["The migration on {table} was not backwards compatible, so the rollback failed.",
      "Split schema changes into expand and contract steps so code can roll back safely.",
      "A column rename in one step broke the old version of {svc} during the deploy."]),
    ("observability-before-launch", "Instrument before you launch",
     "New services need metrics, logs and traces before they take production traffic.",
     "Adding instrumentation during an incident is slow and risky. Launch checklists should require the dashboards and alerts that on-call will need.",
     ["{svc} launched without metrics, so we were blind for the first {dur}.",
      "Require dashboards and alerts before a service takes production traffic.",
      "We could not see {metric} because nobody had instrumented the new {comp}."]),
    ("single-incident-commander", "Name one incident commander early",
     "Assign a single incident commander at the start of every major incident.",
     "Without a commander, responders duplicate work and nobody owns communication. Naming one person early makes decisions and updates flow.",
     ["Nobody was in charge for the first {dur}; name an incident commander early.",
      "Two teams worked the same hypothesis because no one coordinated.",
      "An explicit incident commander would have avoided conflicting changes to {svc}."]),
    ("status-page-early", "Update the status page early and often",
     "Tell customers quickly and keep updating them on a fixed cadence.",
     "Customers forgive outages more readily than silence. An early, honest status update and a regular cadence reduce support load too.",
     ["The status page was updated {dur} after customers noticed; communicate earlier.",
      "Support was flooded because the status page still showed all systems operational.",
      "Post a status update within minutes and refresh it on a fixed cadence."]),
    ("queue-backpressure", "Bound every queue and apply backpressure",
     "Unbounded queues hide overload until memory runs out; bound them and push back.",
     "A bounded queue with backpressure turns overload into fast, visible rejection rather than slow, invisible collapse.",
     ["The queue in {svc} was unbounded and grew until the process ran out of memory.",
      "Bound every queue and reject early instead of buffering without limit.",
      "Backpressure from {svc2} never reached the producers, so the backlog kept growing."]),
    ("connection-pool-sizing", "Size connection pools against the database limit",
     "The sum of all pool maximums must fit within the database connection limit.",
     "Each new replica adds its pool to the total. Autoscaling without budgeting connections eventually exhausts the database.",
     ["Scaling {svc} out multiplied its pool and exhausted the database connections.",
      "Pool sizes times replica count exceeded the database limit of {num} connections.",
      "Budget database connections across all services before raising pool sizes."]),
    ("clock-and-time-zones", "Store and compare time in UTC",
     "Store timestamps in UTC and convert only at the edges.",
     "Local time, daylight saving transitions and clock skew produce bugs that only show up twice a year or on one host. UTC internally avoids most of them.",
     ["A daylight saving change shifted the {comp} by an hour; store time in UTC.",
      "Clock skew on one host made tokens look expired.",
      "Local timestamps in {svc} broke ordering around the time change."]),
    ("canary-deploys", "Canary every deploy against real traffic",
     "Send a small share of real traffic to new versions and compare before proceeding.",
     "Staging never matches production exactly. A canary with automatic comparison against the baseline catches regressions on a few requests instead of all of them.",
     ["The release of {svc} went to all hosts at once; a canary would have caught it.",
      "Canary analysis compared the wrong metric, so the bad build was promoted.",
      "Deploy to a small slice of traffic first and compare {metric} against the baseline."]),
    ("idempotent-operations", "Make retried operations idempotent",
     "Anything that can be retried must be safe to apply twice.",
     "Networks duplicate and retry. Idempotency keys and upserts make duplicate delivery harmless instead of a source of double charges.",
     ["Retries in {svc} were not idempotent and caused duplicate charges.",
      "Use idempotency keys so that a replayed message cannot be applied twice.",
      "A retried job wrote the same records twice because the operation was not idempotent."]),
    ("disk-space-alerts", "Alert on disk growth rate, not only on full disks",
     "Predict disk exhaustion from growth rate so there is time to act.",
     "A static threshold at 90 percent leaves minutes on a busy volume. Alerting on projected time to full gives hours.",
     ["The disk on {host} went from 80 percent to full in {dur}; alert on growth rate.",
      "Forecast disk exhaustion instead of alerting at a fixed percentage.",
      "Log volume doubled and filled the disk before the static threshold fired."]),
    ("access-reviews", "Review access and permissions regularly",
     "Prune broad permissions and review who can change production.",
     "Broad standing access turns small mistakes into large incidents. Regular reviews and just-in-time access shrink what a single command can break.",
     ["An engineer had write access to production {comp} that nobody remembered granting.",
      "Broad permissions let a script meant for staging run against production.",
      "Review production access regularly and remove what is not used."]),
    ("chaos-game-days", "Rehearse failures in game days",
     "Practise failovers and outages on purpose before they happen for real.",
     "Failover paths that are never exercised tend not to work. Game days find the broken runbook and the missing permission on a calm afternoon instead of at night.",
     ["The failover for {svc} had never been exercised and failed when needed.",
      "Run game days to rehearse losing {region} before it happens for real.",
      "We found the broken failover path during the incident rather than in a drill."]),
    ("vendor-failure-modes", "Plan for third-party outages",
     "Know how each vendor can fail and what the product does when it does.",
     "Vendors fail like any other dependency. Timeouts, fallbacks and a known communication path to the vendor turn their outage into a degradation.",
     ["When the provider behind {svc2} failed we had no fallback and no contact path.",
      "Treat every vendor as a dependency that will fail, with timeouts and a fallback.",
      "The third-party outage lasted {dur} and we could only wait."]),
]
LEARNING_IDS = [l[0] for l in LEARNINGS]

GENERIC_LEARNINGS = [
    "The {comp} needs an owner; nobody felt responsible for it.",
    "Dashboards for {svc} showed averages that hid the {metric} tail.",
    "Hand-offs between {team} and {team2} lost context during the incident.",
    "We should have escalated to {team2} within the first {dur}.",
    "Documentation for the {code} tool was {adj} and slowed the response.",
    "The {adj} {noun} in {svc} was a known risk that had been deprioritised.",
    "Load tests for {svc} did not cover the {adj} {noun} pattern seen in production.",
    "Alert thresholds on {metric} were tuned years ago and never revisited.",
    "Staging did not reproduce the {adj} {noun} because its data set was too small.",
    "Tooling to inspect the {comp} was missing, so debugging relied on guesswork.",
]

# --------------------------------------------------------------------------------------
# Sentence templates by section
# --------------------------------------------------------------------------------------

# Free-form frames filled almost entirely from the Zipf-weighted general vocabulary; they
# carry most of the term-frequency long tail.
GENERIC_FRAMES = [
    "{Adv}, the {noun} {verb} the {adj} {noun2}, and the {noun3} {verb2} {adv2}.",
    "The {adj} {noun} {verb} the {noun2} because the {noun3} was {adj2}.",
    "We {verb} the {adj} {noun} and found that the {noun2} had {verb2} {adv}.",
    "Nobody expected the {noun} to be {adj}, so the {noun2} {verb} {adv}.",
    "The {noun} {verb} {adv}, and the {adj} {noun2} did not help.",
    "{Adv}, the {adj} {noun} {verb} the {noun2}.",
    "It was not obvious that the {noun} and the {noun2} were related.",
    "The {noun} was {adj} and the {noun2} was {adj2}, which together {verb} the {noun3}.",
    "Because the {noun} {verb} {adv}, every {adj} {noun2} behind it {verb2} as well.",
    "The {adj} {noun} had {verb} the {noun2} {adv} for weeks before anyone looked at the {noun3}.",
    "When the {noun} {verb}, the {adj} {noun2} and the {adj2} {noun3} {verb2} {adv}.",
    "Our {noun} assumed the {noun2} would stay {adj}, but in practice the {noun3} was {adj2}.",
    "The {code} {noun} {verb} the {adj} {noun2} {adv}.",
    "One {adj} {noun} in the {code} service {verb} the {noun2} on `{host}`.",
    "Every {noun} that {verb} the {adj} {noun2} also {verb2} the {noun3}.",
    "We had {verb} the {noun} in {svc2} {adv}, but not the {adj} {noun2} in {svc}.",
    "The {noun} {verb} at {t_det}, but the {adj} {noun2} only {verb2} {adv} after that.",
    "Neither the {noun} nor the {noun2} was {adj}, yet the {noun3} still {verb} {adv}.",
]

# --------------------------------------------------------------------------------------
# Section templates
# --------------------------------------------------------------------------------------

SUMMARY_T = [
    "On {date_long}, {svc} experienced {symptom} for {dur} after a {trigger}.",
    "Between {t_start} and {t_end} UTC, customers saw {symptom} on {svc}.",
    "The incident was caused by a {trigger} that affected the {comp} used by {svc}.",
    "It was declared a {severity} incident and handled by {team}.",
    "Roughly {pct} of requests to {svc} were affected at the peak.",
    "The incident ticket is {ticket}.",
    "The {adj} {noun} in {svc2} made the problem harder to see.",
]

IMPACT_T = [
    "About {pct} of requests to {svc} failed with HTTP {http} during the worst {dur}.",
    "Approximately {num} customers were unable to {action} for {dur}.",
    "{num} orders were delayed and {num2} had to be reprocessed manually.",
    "The incident consumed {pct} of the monthly error budget for {svc}.",
    "Support received {num} tickets related to {symptom}.",
    "Customers in {region} were affected more than others because of the {adj} {comp}.",
    "No data was lost, but {num} records needed a backfill from the {code} job.",
    "Internal users of {svc2} saw {symptom} as a side effect.",
    "The {metric} stayed above the SLO threshold for {dur}.",
    "Revenue impact is estimated at {money}.",
    "Partners calling the public API saw {symptom} and some retried {adv}.",
    "The {adj} {noun} meant that the {noun2} {verb} {adv} for most users.",
]

ROOTCAUSE_T = [
    "The {trigger} caused the {comp} in {svc} to {verb_inf} faster than it could recover.",
    "The first clue was `{err}` in the logs of `{host}`.",
    "A change in {ticket} set `{config_key}` to {num_small}, which was {adj} for production traffic.",
    "Under normal load this was harmless, but at {num} requests per second the {comp} was exhausted.",
    "The {comp} had been {verb} {adv} for months without anyone noticing.",
    "Because {svc2} retried {adv}, the load on {svc} roughly {mult}.",
    "The {adj} {noun} was not covered by any alert, so the {noun2} {verb} {adv}.",
    "Our assumption that the {comp} would {verb_inf} {adv} turned out to be wrong.",
    "The code path in `{code}` that handles {noun} updates held a lock while calling {svc2}.",
    "Once the {comp} was saturated, health checks failed and the load balancer removed healthy hosts too.",
    "The {code} job, which runs {freq}, competed with live traffic for the same {comp}.",
    "Investigation showed that the {metric} on `{host}` had been drifting upwards since the previous deploy.",
    "In hindsight the {noun} in the {code} dashboard {verb} the problem {adv}.",
    "A similar {noun} had been {verb} in {svc2} but the fix was never applied to {svc}.",
]

RESOLUTION_T = [
    "We rolled back {svc} to {ver_prev}, which restored {metric} within {dur_short}.",
    "The on-call engineer disabled the `{flag}` flag and error rates dropped immediately.",
    "{svc} was scaled from {n} to {n2} replicas to absorb the backlog.",
    "Traffic was drained from {region} and served from {region2} until the fix was deployed.",
    "A hotfix that raised `{config_key}` to {num_small} was deployed at {t_fix} UTC.",
    "The backlog of {num} messages drained over the following {dur}.",
    "After the fix we {verb} the {noun} {adv} and confirmed the {metric} was back to baseline.",
    "{team} kept the incident open for another {dur} to watch for recurrence.",
    "We restarted the {comp} on `{host}` and the symptoms cleared.",
    "The {adj} {noun} was {verb} {adv}, and the {noun2} {verb2} afterwards.",
    "Once the {comp} was healthy again, the {adj} {noun} {verb} {adv}.",
    "We kept the {code} mitigation in place until the {noun} had {verb} {adv}.",
]

DISCUSSION_T = [
    "Detection took {dur} because the alert on {metric} was {adj}.",
    "The {team} on-call engineer was paged at {t_det} UTC and acknowledged within {dur_short}.",
    "Communication with {team2} went through {channel}, which slowed the response.",
    "The runbook for the {comp} described steps that no longer applied to the {adj} setup.",
    "We got lucky: the {trigger} happened outside peak hours.",
    "Several engineers suspected {suspect} at first, which cost {dur_short}.",
    "See the [{code} dashboard](https://grafana.internal.example/d/{hex}/{code}) for the graphs.",
]

WHATWENTWELL_T = [
    "The incident commander kept a clear timeline in the channel.",
    "Rollback tooling for {svc} worked as designed.",
    "The {code} dashboard made the {metric} regression obvious.",
    "{team2} joined quickly and helped confirm the hypothesis.",
    "Customers were informed through the status page within {dur_short}.",
    "The {adj} {noun} {verb} {adv}, which limited the impact.",
]

TL_PRE = [
    "Deploy of `{svc}` {ver} starts rolling out to {region}",
    "{Trigger} begins",
    "Config change {ticket} merged and pushed to {svc}",
    "{Metric} on {svc} starts climbing",
    "Scheduled `{code}` job kicks off against {svc2}",
    "First `{err}` errors logged on `{host}`",
]
TL_DETECT = [
    "{Metric} alert fires; on-call engineer paged",
    "Customer support reports {symptom} via {channel}",
    "On-call for {team} acknowledges the page",
    "Synthetic check for {svc} fails from {region}",
]
TL_INVESTIGATE = [
    "Incident channel opened; incident commander assigned",
    "Error logs show `{err}` from `{host}`",
    "Team suspects {suspect}",
    "{Svc2} ruled out as the cause",
    "Status page updated to *investigating*",
    "Dashboards show {metric} at {pct} of capacity",
    "Escalated to {team2}",
    "Hypothesis: {trigger} exhausted the {comp}",
    "Declared {severity}",
]
TL_MITIGATE = [
    "Rollback of `{svc}` to {ver_prev} started",
    "Traffic drained from {region}",
    "Feature flag `{flag}` disabled",
    "{Svc} scaled from {n} to {n2} replicas",
    "Failover to {region2} completed",
    "Rate limit lowered on {svc}",
    "{Comp} restarted on `{host}`",
]
TL_RECOVER = [
    "Error rate returns to baseline",
    "{Metric} back under threshold",
    "Backlog of {num} messages fully drained",
    "Status page updated to *monitoring*",
]
TL_RESOLVED = [
    "Incident resolved; monitoring continues",
    "Status page set to *resolved*",
    "Incident closed by {team}",
]

ACTION_T = [
    "Add an alert on {metric} for {svc}",
    "Set an explicit timeout on calls from {svc} to {svc2}",
    "Document the {comp} failover in the runbook",
    "Add a kill switch for the {code} feature",
    "Load test {svc} at {mult_n}x current peak",
    "Move the {code} job off the shared {comp}",
    "Cap retries in {svc2} and add jitter",
    "Review `{config_key}` defaults across all services",
    "Add a canary stage for {svc} deploys",
    "Automate certificate renewal for {svc}",
    "Write a game day scenario for losing {region}",
    "Backfill the {num} affected records",
    "Remove the {adj} {noun} from the critical path",
    "Add expiry monitoring for credentials used by {svc}",
    "Bound the queue in {svc} and add backpressure",
]

CONFIG_KEYS = _raw_words("""
max_connections pool_size timeout_ms read_timeout retry_limit max_inflight cache_ttl
batch_size worker_count heap_max gc_interval keepalive_secs idle_timeout queue_capacity
rate_limit_rps max_body_bytes replica_count lease_duration health_check_interval
""")

# --------------------------------------------------------------------------------------
# Per-incident context and slot filling
# --------------------------------------------------------------------------------------

_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_ACRONYMS = {"api": "API", "k8s": "Kubernetes", "cdn": "CDN", "dns": "DNS", "kyc": "KYC",
             "etl": "ETL", "bff": "BFF", "sms": "SMS", "ci": "CI", "mysql": "MySQL",
             "postgres": "Postgres", "redis": "Redis", "kafka": "Kafka",
             "rabbitmq": "RabbitMQ", "elasticsearch": "Elasticsearch"}


def display_service(svc: str) -> str:
    parts = [_ACRONYMS.get(p, p) for p in svc.split("-")]
    parts[0] = parts[0][:1].upper() + parts[0][1:]
    return " ".join(parts)


def cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def fmt_dur(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} minutes" if minutes != 1 else "1 minute"
    h, m = divmod(minutes, 60)
    if m == 0:
        return f"{h} hour" if h == 1 else f"{h} hours"
    return f"{h}h {m:02d}m"


class Slots(dict):
    """Mapping for str.format_map: fixed per-incident values, fresh draws otherwise."""

    def __init__(self, rng: random.Random, fixed: dict):
        super().__init__(fixed)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        rng = self.rng
        if key[:1].isupper():
            return cap(self[key[0].lower() + key[1:]])
        base = key.rstrip("0123456789")
        if base == "noun":
            return Z_NOUN.pick(rng)
        if base == "verb":
            return Z_VERB.pick(rng)
        if base == "adj":
            return Z_ADJ.pick(rng)
        if base == "adv":
            return Z_ADV.pick(rng)
        if base == "comp":
            return Z_COMP.pick(rng)
        if base == "metric":
            return Z_METRIC.pick(rng)
        if base == "code":
            return Z_CODE.pick(rng)
        if base == "num":
            return f"{int(10 ** rng.uniform(1.5, 5.5)):,}"
        if base == "num_small":
            return str(rng.choice((2, 4, 5, 8, 10, 16, 20, 32, 50, 64, 100, 128, 250, 500)))
        if base == "n":
            return str(rng.randint(2, 12))
        if base == "pct":
            return f"{rng.uniform(0.5, 95):.1f}%"
        if base == "dur":
            return fmt_dur(rng.choice((5, 8, 12, 15, 20, 25, 30, 40, 45, 60, 90, 120, 180)))
        if base == "dur_short":
            return fmt_dur(rng.randint(2, 15))
        if base == "team":
            return Z_TEAM.pick(rng)
        if base == "symptom":
            return Z_SYMPTOM.pick(rng)
        if base == "channel":
            return rng.choice(CHANNELS)
        if base == "action":
            return rng.choice(ACTIONS)
        if base == "suspect":
            return rng.choice(SUSPECTS)
        if base == "config_key":
            return rng.choice(CONFIG_KEYS)
        if base == "http":
            return rng.choice(("500", "502", "503", "504", "429"))
        if base == "mult":
            return rng.choice(("doubled", "tripled", "quadrupled", "grew tenfold"))
        if base == "mult_n":
            return str(rng.choice((2, 3, 5, 10)))
        if base == "money":
            return f"${rng.randint(2, 900) * 1000:,}"
        if base == "freq":
            return rng.choice(("every five minutes", "hourly", "nightly", "every Monday",
                               "at the top of each hour", "once a day"))
        if base == "verb_inf":
            return rng.choice(("fail over", "recover", "drain", "back off", "shed load",
                               "restart", "scale", "reconnect", "evict entries", "time out"))
        if base == "table":
            return rng.choice(LANG_SQL_TABLES)
        if base == "hex":
            return "".join(rng.choice(_BASE36) for _ in range(8))
        if base == "svc":  # svc2, svc3 ... without a fixed value
            return Z_SERVICE.pick(rng)
        raise KeyError(key)


def fill(templates: list[str], sl: Slots) -> str:
    t = templates[int(sl.rng.random() * len(templates))]
    return cap(t.format_map(sl))


# --------------------------------------------------------------------------------------
# YAML helpers
# --------------------------------------------------------------------------------------

_YAML_SPECIAL_START = set("-?:,[]{}#&*!|>'\"%@`")
_YAML_AMBIGUOUS = re.compile(
    r"^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF"
    r"|[-+]?[0-9][0-9_.,:eE+-]*|\.inf|\.nan)$")


def yq(s: str) -> str:
    """Emit s as a YAML plain scalar when safe, otherwise double-quoted."""
    if (s and s[0] not in _YAML_SPECIAL_START and ": " not in s and " #" not in s
            and not s.endswith(":") and s == s.strip() and "\n" not in s and "\t" not in s
            and not _YAML_AMBIGUOUS.match(s)):
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --------------------------------------------------------------------------------------
# Code blocks
# --------------------------------------------------------------------------------------


def code_block(sl: Slots) -> str:
    rng = sl.rng
    lang = rng.choice(("yaml", "sql", "bash", "json"))
    svc = sl["svc"]
    host = sl["host"]
    err = sl["err"]
    if lang == "yaml":
        key = sl["config_key"]
        body = rng.choice([
            f"# {svc} deployment values before the fix\n"
            f"{svc}:\n"
            f"  replicas: {rng.randint(2, 24)}\n"
            f"  resources:\n"
            f"    limits:\n"
            f"      cpu: \"{rng.choice(('500m', '1', '2', '4'))}\"\n"
            f"      memory: {rng.choice((256, 512, 1024, 2048, 4096))}Mi\n"
            f"  {key}: {sl['num_small']}\n"
            f"  upstream:\n"
            f"    host: {host}\n"
            f"    timeout_ms: {rng.choice((0, 100, 250, 1000, 30000))}\n",
            f"groups:\n"
            f"  - name: {svc}\n"
            f"    rules:\n"
            f"      - alert: {cap(svc.replace('-', ' ').title().replace(' ', ''))}HighErrorRate\n"
            f"        expr: sum(rate(http_requests_total{{service=\"{svc}\",code=~\"5..\"}}[5m])) > {rng.randint(5, 200)}\n"
            f"        for: {rng.choice(('5m', '10m', '15m', '30m'))}\n"
            f"        labels:\n"
            f"          severity: page\n"
            f"        annotations:\n"
            f"          runbook: https://runbooks.internal.example/{svc}\n",
        ])
    elif lang == "sql":
        table = sl["table"]
        column = sl["noun"].replace(" ", "_").replace("-", "_") + "_id"
        body = rng.choice([
            f"SELECT id, status, updated_at\n"
            f"FROM {table}\n"
            f"WHERE status = 'pending'\n"
            f"  AND updated_at < now() - interval '{rng.randint(5, 90)} minutes'\n"
            f"ORDER BY updated_at\n"
            f"LIMIT {rng.choice((100, 500, 1000, 5000))};\n",
            f"-- migration {sl['ticket']}\n"
            f"ALTER TABLE {table} ADD COLUMN {column} bigint;\n"
            f"CREATE INDEX CONCURRENTLY idx_{table}_{sl['code']} ON {table} (created_at);\n"
            f"UPDATE {table} SET {column} = 0 WHERE created_at > '{sl['date']}';\n",
            f"SELECT pid, state, wait_event, now() - query_start AS runtime, left(query, 80)\n"
            f"FROM pg_stat_activity\n"
            f"WHERE datname = '{table}'\n"
            f"  AND state <> 'idle'\n"
            f"ORDER BY runtime DESC;\n",
        ])
    elif lang == "bash":
        ns = svc.split("-")[0]
        body = rng.choice([
            f"$ kubectl -n {ns} get pods -l app={svc} | grep -v Running\n"
            f"{host}   0/1   CrashLoopBackOff   {rng.randint(3, 40)}   {rng.randint(5, 59)}m\n"
            f"$ kubectl -n {ns} logs {host} --previous | tail -n 3\n"
            f"level=error msg=\"upstream failed\" code={err}\n"
            f"$ kubectl -n {ns} rollout undo deployment/{svc}\n",
            f"$ curl -s -o /dev/null -w '%{{http_code}} %{{time_total}}\\n' https://{svc}.internal.example/healthz\n"
            f"503 {rng.uniform(4, 30):.3f}\n"
            f"$ dig +short {svc}.internal.example\n"
            f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}\n",
            f"$ df -h /var/lib/{svc}\n"
            f"Filesystem      Size  Used Avail Use% Mounted on\n"
            f"/dev/nvme1n1    {rng.choice((100, 200, 500))}G  {rng.randint(95, 99)}G  {rng.randint(1, 5)}G  99% /var/lib/{svc}\n"
            f"$ du -sh /var/lib/{svc}/* | sort -h | tail -n 2\n",
        ])
    else:
        body = rng.choice([
            "{\n"
            f"  \"level\": \"error\",\n"
            f"  \"service\": \"{svc}\",\n"
            f"  \"host\": \"{host}\",\n"
            f"  \"error\": \"{err}\",\n"
            f"  \"message\": \"{sl['noun']} {sl['verb']} after {rng.randint(100, 30000)}ms\",\n"
            f"  \"trace_id\": \"{''.join(rng.choice('0123456789abcdef') for _ in range(16))}\"\n"
            "}\n",
            "{\n"
            f"  \"flag\": \"{sl['flag']}\",\n"
            f"  \"enabled\": true,\n"
            f"  \"rollout_percent\": {rng.choice((1, 5, 25, 50, 100))},\n"
            f"  \"targets\": [\"{svc}\", \"{sl['svc2']}\"]\n"
            "}\n",
        ])
    return f"```{lang}\n{body}```"


# --------------------------------------------------------------------------------------
# Postmortem generation
# --------------------------------------------------------------------------------------


_POD_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # 27 symbols, as in Kubernetes names


def _pod_suffix(idx: int) -> str:
    """Unique 5-character suffix for idx < 27**5 (7919 is coprime with 27**5)."""
    n = len(_POD_ALPHABET)
    v = (idx * 7919 + 104729) % n ** 5
    out = []
    for _ in range(5):
        v, r = divmod(v, n)
        out.append(_POD_ALPHABET[r])
    return "".join(out)


class Incident:
    __slots__ = ("idx", "id", "start", "services", "severity")

    def __init__(self, idx, id_, start, services, severity):
        self.idx = idx
        self.id = id_
        self.start = start
        self.services = services
        self.severity = severity


def plan_incidents(n: int, seed: int) -> list[Incident]:
    rng = random.Random(f"hindsight-bench:{seed}:{n}")
    first = dt.datetime(2015, 1, 1)
    last = dt.datetime(2026, 11, 15)
    span = (last - first).total_seconds()
    starts = []
    for _ in range(n):
        # Skewed towards later years: more incidents get written up as the company grows.
        frac = rng.random() ** 0.75
        t = first + dt.timedelta(seconds=int(frac * span))
        # hours: mildly weighted towards working hours
        hour = rng.choice((0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 13, 13, 14,
                           14, 15, 15, 16, 16, 17, 18, 19, 20, 21, 22, 23))
        t = t.replace(hour=hour, minute=rng.randint(0, 59), second=0)
        starts.append(t)
    starts.sort()
    serial: dict[int, int] = {}
    out = []
    for i, t in enumerate(starts):
        serial[t.year] = serial.get(t.year, 0) + 1
        k = rng.choice((1, 1, 2, 2, 2, 3))
        svcs: list[str] = []
        while len(svcs) < k:
            s = Z_SERVICE.pick(rng)
            if s not in svcs:
                svcs.append(s)
        sev = rng.choices(("SEV1", "SEV2", "SEV3", "SEV4"), weights=(8, 25, 45, 22))[0]
        out.append(Incident(i, f"PM{t.year}-{serial[t.year]:04d}", t, svcs, sev))
    return out


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:00Z")


def make_title(rng: random.Random, sl: Slots) -> str:
    svc_d = display_service(sl["svc"])
    symptom = sl["symptom"]
    trigger = sl["trigger"]
    r = rng.random()
    if r < 0.35:
        return f"{svc_d} {symptom} after {trigger}"
    if r < 0.55:
        return f"{cap(symptom)} in {svc_d} during {trigger}"
    if r < 0.70:
        return f"Partial outage of {svc_d} caused by {trigger}"
    if r < 0.82:
        return f"{svc_d} unavailable for {sl['dur_total']} in {sl['region']}"
    if r < 0.94:
        return f"{cap(symptom)} across {svc_d} and {display_service(sl['svc2'])}"
    # A few titles with a colon (must be quoted in YAML).
    return f"{svc_d}: {symptom} following {trigger}"


def paraphrase(rng: random.Random, lid_index: int, sl: Slots) -> str:
    return cap(rng.choice(LEARNINGS[lid_index][4]).format_map(sl))


def render_postmortem(inc: Incident, incidents: list[Incident], by_service: dict,
                      seed: int) -> str:
    rng = random.Random(f"hindsight-bench:{seed}:{inc.idx}")
    start = inc.start
    detect = start + dt.timedelta(minutes=max(1, int(rng.lognormvariate(2.7, 0.8))))
    resolve = detect + dt.timedelta(minutes=max(10, int(rng.lognormvariate(4.2, 0.8))))
    total_min = int((resolve - start).total_seconds() // 60)
    svcs = inc.services
    svc = svcs[0]
    svc2 = svcs[1] if len(svcs) > 1 else Z_SERVICE.pick(rng)
    if svc2 == svc:
        svc2 = SERVICES[(SERVICES.index(svc) + 7) % len(SERVICES)]
    region = rng.choice(REGIONS)
    region2 = rng.choice([r for r in REGIONS if r != region])
    # k8s-style pod name: <service>-<replicaset hash>-<pod suffix>.  The suffix is a
    # bijective scramble of the file index, so every file has a unique host name.
    rs_hash = "".join(rng.choice(_POD_ALPHABET) for _ in range(9))
    host = f"{svc}-{rs_hash}-{_pod_suffix(inc.idx)}"
    err_word = rng.choice(("CONN_RESET", "POOL_TIMEOUT", "UPSTREAM_5XX", "LEASE_LOST",
                           "TLS_HANDSHAKE", "QUOTA_EXCEEDED", "DEADLINE", "OOM_KILLED",
                           "SCHEMA_MISMATCH", "NO_HEALTHY_UPSTREAM", "LOCK_WAIT", "EOF"))
    err = f"E{inc.idx % 97:02d}{rng.randint(100, 999)}_{err_word}"
    ticket = f"INC-{rng.randint(10000, 99999)}"
    ver = f"v{rng.randint(1, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 20)}"
    ver_prev = f"v{rng.randint(1, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 20)}"
    fixed = {
        "svc": svc, "svc2": svc2, "region": region, "region2": region2, "host": host,
        "err": err, "ticket": ticket, "ver": ver, "ver_prev": ver_prev,
        "trigger": Z_TRIGGER.pick(rng), "severity": inc.severity,
        "date": start.strftime("%Y-%m-%d"),
        "date_long": f"{start.strftime('%B')} {start.day}, {start.year}",
        "t_start": start.strftime("%H:%M"), "t_end": resolve.strftime("%H:%M"),
        "t_det": detect.strftime("%H:%M"),
        "t_fix": (resolve - dt.timedelta(minutes=rng.randint(3, 20))).strftime("%H:%M"),
        "dur_total": fmt_dur(total_min),
        "flag": f"{Z_CODE.pick(rng)}-{rng.choice(('v2', 'rollout', 'fast-path', 'new-pricing', 'batching', 'prefetch'))}",
    }
    sl = Slots(rng, fixed)
    sl["symptom"] = Z_SYMPTOM.pick(rng)  # one headline symptom per incident
    title = make_title(rng, sl)
    summary = fill(SUMMARY_T[:2], sl)

    # Tags: 1-4, mostly Zipf-distributed.
    tags: list[str] = []
    for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
        t = Z_TAG.pick(rng)
        if t not in tags:
            tags.append(t)
    authors = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        a = f"{rng.choice(INITIALS)}.{rng.choice(INITIALS)}."
        if a not in authors:
            authors.append(a)

    # Learnings
    learnings: list[tuple[str | None, str]] = []
    used_ids: set[str] = set()
    for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
        r = rng.random()
        li = int(rng.random() * len(LEARNINGS))
        lid = LEARNINGS[li][0]
        if r < 0.40 and lid not in used_ids:
            used_ids.add(lid)
            text = paraphrase(rng, li, sl) if rng.random() < 0.6 else LEARNINGS[li][1] + "."
            learnings.append((lid, text))
        elif r < 0.75:
            learnings.append((None, paraphrase(rng, li, sl)))
        else:
            learnings.append((None, fill(GENERIC_LEARNINGS, sl)))

    # Action items
    actions = []
    for _ in range(rng.randint(1, 5)):
        st = rng.choices(("open", "done", "wontfix"), weights=(45, 45, 10))[0]
        due = (start + dt.timedelta(days=rng.randint(7, 90))).strftime("%Y-%m-%d")
        actions.append((fill(ACTION_T, sl), rng.choice(TEAMS), st, due))

    # Related: only earlier incidents (so ids always exist).
    related: list[str] = []
    if inc.idx > 0 and rng.random() < 0.25:
        for _ in range(rng.choice((1, 1, 2))):
            same = by_service.get(svc, [])
            pos = bisect.bisect_left(same, inc.idx)
            if pos > 0 and rng.random() < 0.7:
                j = same[max(0, pos - 1 - int(rng.random() * min(pos, 20)))]
            else:
                j = int(rng.random() * inc.idx)
            rid = incidents[j].id
            if rid not in related:
                related.append(rid)
    prose_ref = None
    if inc.idx > 0 and rng.random() < 0.3:
        prose_ref = related[0] if related and rng.random() < 0.6 else incidents[int(rng.random() * inc.idx)].id

    # ---- front matter
    fm = ["---",
          f"id: {inc.id}",
          f"title: {yq(title)}",
          f"date: {start.strftime('%Y-%m-%d')}",
          f"severity: {inc.severity}",
          "status: published",
          f"services: [{', '.join(svcs)}]",
          f"tags: [{', '.join(tags)}]",
          f"authors: [{', '.join(authors)}]",
          f"started_at: {iso(start)}",
          f"detected_at: {iso(detect)}",
          f"resolved_at: {iso(resolve)}",
          f"summary: {yq(summary)}",
          "learnings:"]
    for lid, text in learnings:
        if lid:
            fm.append(f"  - id: {lid}")
            fm.append(f"    text: {yq(text)}")
        else:
            fm.append(f"  - text: {yq(text)}")
    fm.append("action_items:")
    for text, owner, st, due in actions:
        fm.append(f"  - text: {yq(text)}")
        fm.append(f"    owner: {owner}")
        fm.append(f"    status: {st}")
        fm.append(f"    due: {due}")
    if related:
        fm.append(f"related: [{', '.join(related)}]")
    fm.append("---")

    # ---- body sections: list of (heading, [blocks]); blocks are strings.
    target = rng.randint(610, 1165)
    sec_summary = [[summary] + [fill(SUMMARY_T[2:], sl) for _ in range(rng.randint(1, 3))]]
    sec_impact = [[fill(IMPACT_T, sl) for _ in range(rng.randint(2, 4))]]
    if rng.random() < 0.4:
        sec_impact.append("\n".join(f"- {fill(IMPACT_T[:5], sl)}" for _ in range(rng.randint(2, 4))))

    # Timeline table
    rows = rng.randint(6, 12)
    span_s = (resolve - start).total_seconds()
    mids = sorted(start + dt.timedelta(seconds=int(rng.random() * span_s)) for _ in range(rows - 3))
    times = [(start, TL_PRE), (detect, TL_DETECT)]
    n_mid = len(mids)
    for k, t in enumerate(mids):
        if t < detect:
            pool = TL_PRE
        elif k < n_mid * 0.5:
            pool = TL_INVESTIGATE
        elif k < n_mid * 0.85:
            pool = TL_MITIGATE
        else:
            pool = TL_RECOVER
        times.append((t, pool))
    times.append((resolve, TL_RESOLVED))
    times.sort(key=lambda x: x[0])
    tl_rows = []
    seen_events: set[str] = set()
    for t, pool in times:
        for _ in range(6):  # avoid the same event twice in one timeline
            ev = fill(pool, sl)
            if ev not in seen_events:
                break
        seen_events.add(ev)
        tl_rows.append(f"| {t.strftime('%H:%M')} | {ev} |")
    tl = ["All times are UTC.", "| Time | Event |\n|------|-------|\n" + "\n".join(tl_rows)]

    # The "first clue" sentence (ROOTCAUSE_T[1]) is always present: it carries the
    # per-file distinctive phrase (unique pod name plus error code).
    sec_root = [[fill(ROOTCAUSE_T[:1], sl), fill(ROOTCAUSE_T[1:2], sl), fill(ROOTCAUSE_T[2:], sl)]]
    if prose_ref:
        sec_root[0].append(rng.choice((
            f"This is the same failure mode as seen in {prose_ref}, which was never fully fixed.",
            f"A similar pattern was described in {prose_ref}.",
            f"As seen in {prose_ref}, the {sl['comp']} does not degrade gracefully.",
        )))
    sec_root.append(code_block(sl))
    sec_root.append([fill(ROOTCAUSE_T[2:], sl)])
    if rng.random() < 0.35:
        lines = ["Contributing factors:", ""]
        for _ in range(rng.randint(2, 4)):
            lines.append(f"- {fill(DISCUSSION_T[:6], sl)}")
            if rng.random() < 0.5:
                for _ in range(rng.randint(1, 3)):
                    lines.append(f"  - {fill(IMPACT_T[5:], sl)}")
        sec_root.append("\n".join(lines))

    sec_resolution = [[fill(RESOLUTION_T, sl) for _ in range(rng.randint(2, 3))]]
    sec_extra_heading = rng.choice(("Detection and response", "Discussion", "What went wrong"))
    sec_extra = [[fill(DISCUSSION_T, sl) for _ in range(rng.randint(1, 3))]]
    sec_well = None
    if rng.random() < 0.5:
        sec_well = ["\n".join(f"- {fill(WHATWENTWELL_T, sl)}" for _ in range(rng.randint(2, 4)))]

    lessons = [f"- {text}" for _, text in learnings]
    for _ in range(rng.randint(1, 3)):
        lessons.append(f"- {fill(GENERIC_LEARNINGS, sl)}")
    sec_lessons = ["\n".join(lessons)]
    ai_lines = []
    for text, owner, st, due in actions:
        if st == "done":
            ai_lines.append(f"- [x] {text} ({owner}, due {due})")
        elif st == "wontfix":
            ai_lines.append(f"- [ ] ~~{text}~~ ({owner}, won't fix)")
        else:
            ai_lines.append(f"- [ ] {text} ({owner}, due {due})")
    sec_actions = ["\n".join(ai_lines)]

    def words_of(blocks) -> int:
        c = 0
        for b in blocks:
            if isinstance(b, list):
                for s in b:
                    c += s.count(" ") + 1
            else:
                c += len(b.split())
        return c

    sections = [("Summary", sec_summary), ("Impact", sec_impact), ("Timeline", tl),
                ("Root cause", sec_root), ("Resolution", sec_resolution),
                (sec_extra_heading, sec_extra)]
    if sec_well:
        sections.append(("What went well", sec_well))
    sections += [("Lessons learned", sec_lessons), ("Action items", sec_actions)]
    # Count words the way `len(body.split())` would: headings include their `#` marker.
    count = 1 + len(title.split()) + sum(1 + len(h.split()) + words_of(b) for h, b in sections)

    # Grow prose paragraphs until the target word count is reached.
    growable = [(sec_root, ROOTCAUSE_T[2:] + GENERIC_FRAMES, 5), (sec_impact, IMPACT_T, 2),
                (sec_resolution, RESOLUTION_T + GENERIC_FRAMES[:8], 2),
                (sec_extra, DISCUSSION_T + GENERIC_FRAMES, 2)]
    gw = [g[2] for g in growable]
    while count < target:
        blocks, templates, _ = rng.choices(growable, weights=gw)[0]
        paras = [b for b in blocks if isinstance(b, list)]
        para = paras[-1]
        if len(para) >= rng.randint(4, 7):
            para = []
            blocks.append(para)
        s = fill(templates, sl)
        para.append(s)
        count += s.count(" ") + 1

    out = fm + ["", f"# {title}", ""]
    for heading, blocks in sections:
        out.append(f"## {heading}")
        out.append("")
        for b in blocks:
            out.append(" ".join(b) if isinstance(b, list) else b)
            out.append("")
    return "\n".join(out)


def render_learning(entry) -> str:
    lid, title, summary, body, paras = entry
    examples = "\n".join(f"- {p.format_map(_EXAMPLE_SLOTS)}" for p in paras[:3])
    return (f"---\ntitle: {yq(title)}\nsummary: {yq(summary)}\n---\n\n{body}\n\n"
            f"Typical ways this lesson shows up in postmortems:\n\n{examples}\n")


_EXAMPLE_SLOTS = {
    "svc": "checkout-api", "svc2": "payments-gateway", "metric": "CPU utilisation",
    "symptom": "elevated 5xx errors", "dur": "45 minutes", "comp": "connection pool",
    "pct": "92%", "region": "eu-west-1", "table": "orders", "num": "500",
    "host": "db-primary-03", "team": "team-platform",
}


def generate(n: int, out: str, seed: int) -> None:
    incidents = plan_incidents(n, seed)
    by_service: dict[str, list[int]] = {}
    for inc in incidents:
        for s in inc.services:
            by_service.setdefault(s, []).append(inc.idx)
    pm_dir = os.path.join(out, "content", "postmortems")
    le_dir = os.path.join(out, "content", "learnings")
    os.makedirs(pm_dir, exist_ok=True)
    os.makedirs(le_dir, exist_ok=True)
    # Re-running into the same folder with a smaller --n must not leave stale postmortems.
    for name in os.listdir(pm_dir):
        if name.startswith("pm-") and name.endswith(".md"):
            os.remove(os.path.join(pm_dir, name))
    with open(os.path.join(out, "hindsight.toml"), "w", encoding="utf-8", newline="\n") as f:
        f.write(f'title = "Synthetic incidents ({n})"\ncontent_dir = "content"\n')
    for entry in LEARNINGS:
        with open(os.path.join(le_dir, f"{entry[0]}.md"), "w", encoding="utf-8", newline="\n") as f:
            f.write(render_learning(entry))
    width = max(5, len(str(n)))
    for inc in incidents:
        text = render_postmortem(inc, incidents, by_service, seed)
        with open(os.path.join(pm_dir, f"pm-{inc.idx + 1:0{width}d}.md"), "w",
                  encoding="utf-8", newline="\n") as f:
            f.write(text)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, required=True, help="number of postmortems")
    ap.add_argument("--out", required=True, help="output site root")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("--n must be >= 1")
    t0 = time.perf_counter()
    generate(args.n, args.out, args.seed)
    print(f"gen.py: wrote {args.n} postmortems + {len(LEARNINGS)} learnings to {args.out} "
          f"in {time.perf_counter() - t0:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
