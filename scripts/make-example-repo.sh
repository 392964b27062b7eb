#!/usr/bin/env bash
# Builds example-repo/: the internal helpdesk of a small immigration practice,
# "Ortega & Lindqvist Immigration", over six weeks of autumn 2026.
#
# The tracker is made in a fresh temporary git repository by driving the real
# `tkt` binary (every ticket action is a tkt command with TKT_NOW pinned, so
# dates and order are the same on every run; ticket uids and timeline file
# names carry random parts and do change); only helpdesk.yaml, the FAQ entries and the
# canned answers are written by hand and committed with plain git, as a
# person would. The result must pass `tkt check`; its files (without .git)
# replace example-repo/.
#
#   scripts/make-example-repo.sh                  # uses target/release/tkt, else target/debug/tkt
#   TKT=/path/to/tkt scripts/make-example-repo.sh
set -euo pipefail

# $TKT may be given relative to the caller's folder or to the repository root.
if [[ -n "${TKT:-}" && "$TKT" != /* && -x "$TKT" ]]; then TKT=$PWD/$TKT; fi
cd "$(dirname "$0")/.."
ROOT=$PWD
if [[ -z "${TKT:-}" ]]; then
    if [[ -x target/release/tkt ]]; then TKT=target/release/tkt; else TKT=target/debug/tkt; fi
fi
[[ -x "$TKT" ]] || { echo "make-example-repo: no tkt binary at $TKT (run cargo build, or set TKT)" >&2; exit 1; }
TKT=$(cd "$(dirname "$TKT")" && pwd)/$(basename "$TKT")

# Nothing from the caller's environment may choose the tracker or the actor.
unset TKT_DIR TKT_USER TKT_NOW GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE \
    GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE \
    GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_COMMITTER_DATE
export TZ=UTC

WORK=$(mktemp -d)
LOG=$WORK/tkt.log
FILES=$WORK/files          # what people attach, as if from their desktops
TRACKER=$WORK/tracker
trap 'status=$?; if [[ $status -ne 0 && -s $LOG ]]; then echo "--- last tkt output:" >&2; tail -n 5 "$LOG" >&2; fi; rm -rf "$WORK"' EXIT
mkdir -p "$FILES" "$TRACKER"

# ---------------------------------------------------------------------------
# The people (helpdesk.yaml is the source of truth; these feed git commits).

name_of() {
    case $1 in
        helena) echo "Helena Brandt" ;;    # office manager, admin
        tomas) echo "Tomás Reyes" ;;       # IT and systems, operator
        ingrid) echo "Ingrid Lindqvist" ;; # senior attorney, operator
        priya) echo "Priya Nair" ;;        # paralegal, requester
        jonas) echo "Jonas Weber" ;;       # receptionist, requester
        *) echo "make-example-repo: unknown person $1" >&2; exit 1 ;;
    esac
}
email_of() {
    case $1 in
        helena) echo helena.brandt@example.org ;;
        tomas) echo tomas.reyes@example.org ;;
        ingrid) echo ingrid.lindqvist@example.org ;;
        priya) echo priya.nair@example.org ;;
        jonas) echo jonas.weber@example.org ;;
        *) echo "make-example-repo: unknown person $1" >&2; exit 1 ;;
    esac
}

# ---------------------------------------------------------------------------
# Time: every action happens at a later moment than the one before it.
# `when "09-24 15:30"` is 24 September 2026, 15:30 UTC, with deterministic
# seconds so that the history does not look machine-made.

YEAR=2026
LAST=""
TICK=0
NOW=""
when() {
    local day=${1% *} hm=${1#* }
    TICK=$((TICK + 1))
    NOW=$(printf '%s-%sT%s:%02dZ' "$YEAR" "$day" "$hm" $(((TICK * 23 + 7) % 60)))
    if [[ -n $LAST && ! $NOW > $LAST ]]; then
        echo "make-example-repo: $NOW is not after $LAST (the story must move forward)" >&2
        exit 1
    fi
    LAST=$NOW
}

# tk WHEN PERSON ARGS…: one tkt command, as PERSON, at WHEN.
tk() {
    when "$1"
    local who=$2
    shift 2
    echo "[$NOW] tkt --as $who $*" >>"$LOG"
    if ! TKT_NOW=$NOW "$TKT" --as "$who" "$@" >>"$LOG" 2>&1; then
        echo "make-example-repo: failed at $NOW: tkt --as $who $*" >&2
        exit 1
    fi
}

# new N WHEN PERSON ARGS…: `tkt new`, checking that it got folio TKT00N
# (the story below refers to tickets by number).
new() {
    local expected
    expected=$(printf 'TKT%03d' "$1")
    when "$2"
    local who=$3
    shift 3
    echo "[$NOW] tkt --as $who new $*" >>"$LOG"
    local folio
    if ! folio=$(TKT_NOW=$NOW "$TKT" --as "$who" new "$@" 2>>"$LOG"); then
        echo "make-example-repo: failed at $NOW: tkt --as $who new $*" >&2
        exit 1
    fi
    if [[ $folio != "$expected" ]]; then
        echo "make-example-repo: expected $expected, tkt new printed '$folio'" >&2
        exit 1
    fi
}

# commit_as WHEN PERSON MESSAGE PATH…: a hand edit committed with plain git.
commit_as() {
    when "$1"
    local who=$2 message=$3
    shift 3
    git add -- "$@"
    GIT_AUTHOR_NAME=$(name_of "$who") GIT_AUTHOR_EMAIL=$(email_of "$who") GIT_AUTHOR_DATE=$NOW \
        GIT_COMMITTER_DATE=$NOW git commit -q -m "$message" -- "$@"
}

# ---------------------------------------------------------------------------
# Files people attach.

base64 -d >"$FILES/scanner-error.png" <<'EOF'
iVBORw0KGgoAAAANSUhEUgAAAKAAAABACAIAAAAS6ev4AAAAuklEQVR42u3csQ2AIBRFUYZwCGsaG2tnsnYIh3AmNrBxBFfAxET8nOROwGkeISHlPClwyREAFmABFmABFmBVAY/LrB8FGDBgwAIswGoT+DqGRzl0wIoIXM7SYYABAwYMGLCRZWQBBgwYMGD3YOMIMGDAgAEDNrKMLMAe/AVYgAVYgAEDBizAAizAagF43Td9EmDAgAED7h1YVrQAC7AACzBgwIAFWIAFWID1LrD8+C7AAizAAizAgBWwG9YM6GGXh7x8AAAAAElFTkSuQmCC
EOF
base64 -d >"$FILES/test-page-streaks.png" <<'EOF'
iVBORw0KGgoAAAANSUhEUgAAAKAAAABkCAIAAACO1KzYAAABHUlEQVR42u3YywnAIBBAQQtLJak4HaQX8SAs5JQczZrPvAZEBtbFUke0RTWxzONybnfTEQUwYMCAAQMGDBgwYMCAAQMGDPhXwIsiwIABAwYM2JJlyQIMGDBgwIABAwb8dOBVUwMM2Ig2ogEDBgwYsC1alwsUYMBGtBENGDBgwIBt0Zr4PQkYsBHtDQYMGDBgwIABAwYMGDBgwIABAwYMGDBgwIABAwYMGDBgwIABAwYMGDBgwIABAwYMGDBgwIABAwYMGDBgwIABAwYMGDBgwIABAwZ8ALcR7VH7aK++HWDAgAEDBgwYMGDAgAEDBgwYMGDAgAEDBgwYMGDAgAEDBgwYMGDAgAEDBgwYMGDAgAEDBgwYMGDAgAEDBnyqA/wjF3fOmOywAAAAAElFTkSuQmCC
EOF
base64 -d >"$FILES/scanner-u12.png" <<'EOF'
iVBORw0KGgoAAAANSUhEUgAAAKAAAABACAIAAAAS6ev4AAAAyElEQVR42u3cqw2AMBRA0U6CRtdg0MyEZgim6wYsgUNA2oAhbXOS6/iId8wLTQgxTuq4YASABViABViABVivgMdlVkMBBgwYsAALsOoETuPwKUMHrB6B05Fu5a6Wn3reAxgw4FqBc+9BCxgwYMCAAf+0ZLEEDBgwYMCAfegADNhhgwDLgT9gwIABAxZgARZgARZgwIABX637pkKAAQMGDBiwJcuSBRiwkQEWYAEWYAEGDBgwYMACrDaA5Y/vAizAAizAAgxYHXYCJO7y8euJYxQAAAAASUVORK5CYII=
EOF

cat >"$FILES/vpn-client.log" <<'EOF'
2026-09-22 07:48:03 INFO  Connecting to vpn.ortega-lindqvist.example.org (profile "Office")
2026-09-22 07:48:05 INFO  IKE SA established, ESP SA established (UDP 4500)
2026-09-22 07:48:05 INFO  Tunnel up, assigned 10.20.8.41
2026-09-22 08:09:41 WARN  DPD: no response from peer (1/3)
2026-09-22 08:10:11 WARN  DPD: no response from peer (2/3)
2026-09-22 08:10:41 WARN  DPD: no response from peer (3/3)
2026-09-22 08:10:41 ERROR IKE SA rekey failed: peer not responding
2026-09-22 08:10:41 INFO  Tunnel down, reconnecting in 30s
2026-09-22 08:11:12 INFO  IKE SA established, ESP SA established (UDP 4500)
2026-09-22 08:11:12 INFO  Tunnel up, assigned 10.20.8.41
2026-09-22 08:30:58 WARN  DPD: no response from peer (1/3)
2026-09-22 08:31:28 WARN  DPD: no response from peer (2/3)
2026-09-22 08:31:58 WARN  DPD: no response from peer (3/3)
2026-09-22 08:31:58 ERROR IKE SA rekey failed: peer not responding
2026-09-22 08:31:58 INFO  Tunnel down, reconnecting in 30s
2026-09-22 08:32:29 INFO  IKE SA established, ESP SA established (UDP 4500)
EOF

cat >"$FILES/income-summary.csv" <<'EOF'
month,pay_date,gross_gbp,net_gbp,payslip,bank_statement,notes
2026-03,2026-03-27,2625.00,2091.40,yes,yes,
2026-04,2026-04-24,3025.00,2363.80,yes,yes,includes one-off bonus 400.00
2026-05,2026-05-29,2625.00,2091.40,yes,yes,
2026-06,2026-06-26,2625.00,2091.40,yes,yes,
2026-07,2026-07-31,2625.00,2091.40,yes,yes,
2026-08,2026-08-28,2625.00,2091.40,yes,yes,
EOF

cat >"$FILES/skilled-worker-extension-checklist.md" <<'EOF'
# Skilled Worker extension — checklist

## From the client (send at the first meeting)

- [ ] Current passport and every passport used during the current leave
- [ ] Current BRP or eVisa share code
- [ ] Certificate of Sponsorship number (from the employer)
- [ ] Last 3 payslips
- [ ] English language evidence, if not already accepted on the last visa
- [ ] Tuberculosis test certificate, only if asked for
- [ ] Dependants: passports, marriage/birth certificates (with certified translations)

## From the sponsor

- [ ] CoS assigned, with the right occupation code and salary
- [ ] Start date and working hours match the CoS

## Our checks before submitting

- [ ] Salary meets the going rate for the occupation code
- [ ] Names and dates match across passport, CoS and payslips
- [ ] Application submitted before the current leave expires (note the date in the case file)
- [ ] Biometrics appointment booked and added to the "Client appointments" calendar
EOF

# ---------------------------------------------------------------------------
# Friday 18 September: Helena sets the helpdesk up.

cd "$TRACKER"
git init -q
git config user.name "$(name_of helena)"
git config user.email "$(email_of helena)"
git config commit.gpgsign false

when "09-18 16:02"
echo "[$NOW] tkt init" >>"$LOG"
TKT_NOW=$NOW "$TKT" init --name "Ortega & Lindqvist Immigration — Internal Helpdesk" --key helena >>"$LOG" 2>&1

tk "09-18 16:05" helena person add tomas --name "$(name_of tomas)" --email "$(email_of tomas)" --role operator
tk "09-18 16:06" helena person add ingrid --name "$(name_of ingrid)" --email "$(email_of ingrid)" --role operator
tk "09-18 16:07" helena person add priya --name "$(name_of priya)" --email "$(email_of priya)" --role requester

cat >helpdesk.yaml <<'EOF'
# tkt helpdesk configuration: people, categories (with their forms and
# responsible people), SLA targets per priority and saved views.
# The format is documented in docs/FORMAT.md of the tkt repository.
name: Ortega & Lindqvist Immigration — Internal Helpdesk
folio:
  prefix: TKT
  digits: 3
assignment: round-robin
attachments:
  max_size: 10MiB

people:
  - key: helena
    name: Helena Brandt          # office manager
    email: helena.brandt@example.org
    role: admin
  - key: tomas
    name: Tomás Reyes            # IT and systems
    email: tomas.reyes@example.org
    role: operator
  - key: ingrid
    name: Ingrid Lindqvist       # senior attorney, case support
    email: ingrid.lindqvist@example.org
    role: operator
  - key: priya
    name: Priya Nair             # paralegal
    email: priya.nair@example.org
    role: requester
  - key: jonas
    name: Jonas Weber            # receptionist
    email: jonas.weber@example.org
    role: requester

categories:
  - key: technical
    name: Technical support
    description: Computers, scanner, printers, phones, VPN, the case-management system and the shared drive.
    responsible: [tomas]
    fields:
      - name: device
        label: Which device or system?
        type: choice
        required: true
        choices: [scanner, printer, laptop, desktop, phone, vpn, case-management-system, shared-drive, other]
      - name: location
        label: Where is it?
        type: choice
        choices: [front-office, back-office, meeting-room, home, other]
      - name: asset_tag
        label: Asset tag (the OL-IT sticker), if any
        type: text

  - key: case-support
    name: Case support
    description: Help with a difficult case — deadlines, evidence, appeals, translations, appointments.
    responsible: [ingrid]
    fields:
      - name: case_number
        label: Case number (OL-YYYY-NNNN)
        type: text
        required: true
      - name: deadline
        label: Next deadline, if any
        type: date
      - name: visa_type
        label: Route
        type: choice
        choices: [family, skilled-worker, student, visitor, settlement, citizenship, asylum, appeal, sponsor-licence, other]

  - key: suggestion
    name: Improvement suggestion
    description: Ideas to make the practice work better.
    responsible: [helena]
    fields:
      - name: area
        label: What would it improve?
        type: choice
        required: true
        choices: [process, tools, office, training, other]
      - name: estimated_cost
        label: Estimated one-off cost in GBP, if known
        type: number

  - key: other
    name: Other
    description: Anything else — key cards, couriers, supplies, working arrangements.
    responsible: [helena, tomas]
    fields:
      - name: topic
        label: Topic
        type: choice
        choices: [access-cards, couriers, supplies, facilities, working-arrangements, other]

# Service levels. The clocks count office hours only (8.5 h a day, so
# "8h30m" is one working day) and stand still while a ticket waits on the
# requester. next_reply: after each requester reply, the next answer is
# due within this. docs/REPORTS.md in the tkt repository has every rule.
sla:
  business_hours:
    timezone: Europe/London
    days: [mon, tue, wed, thu, fri]
    hours: "09:00-17:30"
    holidays: [2026-08-31, 2026-12-25, 2026-12-28]
  pause: [waiting-on-requester]
  at_risk: 75%
  low:    { first_response: 17h, resolution: 85h }
  medium: { first_response: 8h30m, resolution: 42h30m }
  high:   { first_response: 4h, resolution: 17h, next_reply: 4h }
  urgent: { first_response: 30m, resolution: 8h, next_reply: 1h }

# Who takes escalated tickets (`tkt escalate`), and what `tkt sla apply`
# (run from cron) does when a target slips. Each rule fires once per ticket.
escalation:
  contact: helena
  rules:
    - name: late-first-answer
      when: { target: first_response, state: breached, priority: [high, urgent] }
      then: { assign: contact, escalate: true }
    - name: slow-routine-work
      when: { target: resolution, state: at-risk, priority: [low, medium] }
      then: { priority: raise }

views:
  - name: my-queue
    title: My open work
    status: [open, in-progress]
    assignee: [me]
  - name: case-deadlines
    title: Case support that cannot wait
    status: [open, in-progress, waiting-on-requester]
    priority: [high, urgent]
    category: [case-support]
  - name: hardware
    title: Hardware history, closed tickets too
    tag: [hardware]
    all: true

# Sharing the tracker between clones (`tkt sync`). Off here only because
# this copy lives inside tkt's own source repository, where auto-sync would
# pull from and push to that repository's origin. With `auto: true`, every
# command that changes something first brings in the remote's work (so a
# new ticket gets the remote's next folio) and pushes its commit at once;
# offline, the change is still committed here and waits for `tkt sync`.
sync:
  auto: false
  remote: origin        # default: the branch's upstream, else origin
  timeout_seconds: 10   # the longest a command waits for the remote

# The web front end of `tkt serve` (docs/FORMAT.md, README "Running the
# helpdesk for your team"): a registration form at /new for staff who will
# never install git, private follow-up links, FAQ suggestions, signing in
# (passwords set with `tkt passwd`, kept outside the repository). The base
# URL is this machine here; on a server it is the public address, and then
# the internal pages go only to signed-in operators and admins.
web:
  base_url: http://localhost:8080
  registration:
    open_to: domains    # the practice's own addresses become requesters
    domains: [example.org]
  requester_sees: [status, replies, actions, assignee]
  requester_priority: false
  allowed_origins: [https://www.ortega-lindqvist.example]   # `tkt form snippet` on the practice's site
EOF
commit_as "09-18 16:40" helena "Helpdesk configuration: categories with forms, SLA targets, views" helpdesk.yaml

# ---------------------------------------------------------------------------
# Canned answers, written by hand (there is no command for them yet).

mkdir -p canned faq

cat >canned/acknowledge.md <<'EOF'
---
title: Acknowledge a new ticket
tags: [acknowledgement]
author: helena
created: 2026-09-21T08:10:00Z
updated: 2026-09-21T08:10:00Z
---

Hi {{ requester.name }},

Thanks — this is logged as {{ ticket.folio }} and {{ operator.name }} is
looking after it. We'll reply here; there is no need to email as well.

If anything changes in the meantime (a new deadline, the problem gets worse),
just reply to this ticket.
EOF

cat >canned/need-more-information.md <<'EOF'
---
title: Ask for more information
tags: [information]
author: helena
created: 2026-09-21T08:10:00Z
updated: 2026-09-21T08:10:00Z
---

Hi {{ requester.name }},

To get {{ ticket.folio }} moving I need a bit more from you:

- what exactly happens (the error message word for word, or a photo of it),
- since when, and whether anything changed just before,
- anything you have already tried.

I've set the ticket to *waiting on you*; it comes back to me as soon as you
reply.

{{ operator.name }}
EOF

cat >canned/restart-and-retry.md <<'EOF'
---
title: Restart the device and try again
categories: [technical]
tags: [first-line]
author: tomas
created: 2026-09-21T08:10:00Z
updated: 2026-09-21T08:10:00Z
---

Hi {{ requester.name }},

Before I dig deeper, could you please:

1. save your work and close the case-management system,
2. restart the computer (Start › Power › **Restart**, not Shut down),
3. try again and reply here with what you see.

Nine times out of ten that clears it; if not, the restart at least gives me
a clean log to look at.

{{ operator.name }}
EOF

cat >canned/case-support-send-the-decision.md <<'EOF'
---
title: Case support — send the decision letter and the deadline
categories: [case-support]
tags: [deadline, documents]
author: ingrid
created: 2026-09-21T08:10:00Z
updated: 2026-09-21T08:10:00Z
---

Hi {{ requester.name }},

Before I can advise on {{ ticket.folio }}, please put in the case folder:

- the decision or letter from the Home Office or tribunal (full scan, all
  pages, including the envelope if the date it arrived matters),
- the date the letter was **sent** and the date it reached us,
- what the client wants to achieve.

If there is a deadline in the next five working days, call me as well as
writing here.

{{ operator.name }}
EOF

cat >canned/resolved-please-confirm.md <<'EOF'
---
title: Resolved — please confirm
tags: [resolution]
author: helena
created: 2026-09-21T08:10:00Z
updated: 2026-09-21T08:10:00Z
---

Hi {{ requester.name }},

I believe {{ ticket.folio }} is sorted: {{ ticket.solution }}

Could you check on your side? If all is well, please close the ticket
(`tkt close {{ ticket.folio }}`); if not, reply and it reopens.

Thanks,
{{ operator.name }}
EOF

commit_as "09-21 08:20" helena "Canned answers for the helpdesk team" canned

# ---------------------------------------------------------------------------
# Week 1: 21–25 September.

# Mon 21 Sep
new 1 "09-21 09:05" priya -s "Back-office scanner jams on every multi-page bundle" -c technical -p high \
    --field device=scanner --field location=back-office --field asset_tag=OL-IT-0042 \
    --tag hardware --tag scanner --attach "$FILES/scanner-error.png" \
    -m "Since this morning the scanner in the back office jams after three or four pages whenever I use the document feeder. The display shows a paper-feed error (photo attached). Single sheets on the glass are fine.

I have the whole Okafor bundle (about 140 pages) to scan today, so this is holding me up."

tk "09-21 09:31" tomas reply 1 --status waiting-on-requester --time 15m \
    -m "Thanks Priya. Could you open the front cover and check for torn paper or a staple in the feed path? And does it also jam with plain printer paper, or only with the client's originals?"

tk "09-21 10:12" priya reply 1 \
    -m "No staples or paper that I can see. Plain paper jams too, just less often. The rubber rollers look very shiny."

tk "09-21 10:20" tomas note 1 \
    -m "Shiny rollers = glazed pickup roller. The page counter is at 231,000; the roller kit is rated for about 200,000 sheets, so it is simply worn out. Ordering a kit (about £45) and cleaning the rollers in the meantime."


tk "09-21 10:22" tomas action add 1 "Clean pickup and separation rollers"
tk "09-21 10:24" tomas action add 1 "Order replacement roller kit"
tk "09-21 10:26" tomas action done 1 2
tk "09-21 10:39" tomas action done 1 1
tk "09-21 10:41" tomas reply 1 --time 40m \
    -m "Cleaned the rollers; it should cope until the new roller kit arrives (ordered, due Thursday). Until then please feed at most 10 pages at a time."

new 2 "09-21 11:20" priya -s "Okafor: refusal letter arrived late, appeal deadline is Friday" -c case-support -p urgent \
    --field case_number=OL-2026-0117 --field deadline=2026-09-25 --field visa_type=family \
    --related "Okafor, Amara — OL-2026-0117" --tag appeal --tag deadline \
    -m "Ms Okafor's spouse-visa extension was refused on 11 September. The decision went to her old address and only reached us this morning.

By my count the 14 days to appeal run out on **Friday 25 September**. Can you confirm the deadline, and tell me what you need from me to lodge the appeal in time? I have the refusal letter and the original application bundle."

tk "09-21 11:34" ingrid reply 2 --time 30m \
    -m "Confirmed: the 14 days run from the date the decision was **sent**, so Friday 25 September is the last day, whatever the post did. We lodge online, so the bundle can wait. What I need:

1. a full scan of the refusal letter in the case folder;
2. the client's signed instructions to appeal;
3. how she will pay the appeal fee (or whether she qualifies for a fee exemption).

I'll draft the grounds tonight. Please call her today and book her in to sign on Wednesday morning."

tk "09-21 11:36" ingrid action add 2 "Call client and book a signing appointment"
tk "09-21 11:37" ingrid action add 2 "Draft grounds of appeal"
tk "09-21 11:38" ingrid action add 2 "Lodge the appeal online with the First-tier Tribunal"

tk "09-21 14:05" ingrid note 2 \
    -m "Grounds: Article 8. The refusal says a bank statement for June was missing, but it is in the bundle at p. 37 — the caseworker overlooked it. Relationship evidence is strong. Good prospects."

tk "09-21 14:31" priya reply 2 -m "Client booked for Wednesday 23 September at 10:00. She'll pay the fee by card."
tk "09-21 14:40" ingrid action done 2 1

# Tue 22 Sep
new 3 "09-22 08:50" ingrid -s "VPN disconnects every 20 minutes when working from home" -c technical -p medium \
    --field device=vpn --field location=home --tag vpn --tag remote-work \
    -m "Since last week the VPN drops roughly every 20 minutes when I work from home. It reconnects by itself after a minute, but the case-management system logs me out each time and I lose whatever I was typing.

My broadband is fine otherwise — video calls don't drop."

tk "09-22 09:10" tomas reply 3 --status waiting-on-requester \
    -m "Could you send me the VPN client's log? In the VPN window: **Help › Export logs** saves a .log file on your desktop. Ideally right after it has dropped."

tk "09-22 12:45" ingrid reply 3 --attach "$FILES/vpn-client.log" --time 20m \
    -m "Log attached. It dropped twice this morning, around 08:10 and 08:31."

tk "09-22 13:10" tomas note 3 \
    -m "Log shows dead-peer detection timing out, then the rekey failing, about 20 minutes after each connect. Classic home router dropping the idle UDP 4500 mapping. Fix: shorter keepalive (10 s) and TCP 443 fallback in the profile."
tk "09-22 13:15" tomas action add 3 "Push updated VPN profile (keepalive 10s, TCP 443 fallback)"

new 4 "09-22 14:10" helena -s "Where is the current engagement-letter template?" -c other -p low \
    --requester priya --field topic=other --tag templates \
    -m "Priya asked at the front desk where the current client engagement letter template is. The copy she had saved still shows last year's fee table." \
    --resolve "The current templates are on the shared drive (S:) under **Templates › Client care**. The fee table was updated on 1 September; anything saved locally before then is out of date, so always start from the shared folder."

# Wed 23 Sep
tk "09-23 08:40" ingrid action done 2 2
tk "09-23 08:45" ingrid reply 2 \
    -m "Grounds drafted: case folder, *Appeal/Grounds v1*. Priya, could you proof-read page 2 for the marriage date and the dates of her previous leave?"

cat >faq/where-are-the-templates.md <<'EOF'
---
title: Where are the letter and form templates?
category: other
tags: [templates, shared-drive]
source: TKT004
author: helena
created: 2026-09-23T09:00:00Z
updated: 2026-09-23T09:00:00Z
---

All current templates live on the shared drive (S:) under **Templates**:

| folder | what is in it |
|---|---|
| Client care | engagement letters, fee tables, complaints procedure |
| Checklists | document checklists per route |
| Tribunal | appeal forms, bundle index, witness statement layout |
| Suppliers | translators, couriers, interpreters we use |

Always start from the shared folder rather than a copy on your desktop: the
fee table and the client-care letter change every year (last on
1 September).
EOF
commit_as "09-23 09:00" helena "FAQ: where are the templates (from TKT004)" faq/where-are-the-templates.md

tk "09-23 10:15" priya reply 2 \
    -m "Proof-read: the marriage date was typed as 14 March 2012, it's **2021** — fixed in v2. The client signed the instructions at 10:00 and paid the fee by card."

new 5 "09-23 10:30" priya -s "Shared calendar for client biometrics and embassy appointments" -c suggestion -p low \
    --field area=process --tag calendar --tag biometrics \
    -m "At the moment each of us keeps clients' biometrics appointments in our own calendar. When I'm off, nobody knows that a client is at a service point that day or needs a reminder to bring their passport.

Could we have one shared calendar (or a column in the case-management system) for all clients' biometrics, medical and embassy appointments?"

tk "09-23 11:02" ingrid action done 2 3
tk "09-23 11:10" ingrid resolve 2 --solution "Appeal lodged online with the First-tier Tribunal (Immigration and Asylum Chamber) on 23 September, two days before the deadline.

- Grounds: Article 8; the refusal relied on a \"missing\" June bank statement that is in the bundle at p. 37.
- Appeal reference and payment receipt are in the case folder.
- The client's address has been updated with the Home Office so future letters reach her.

Next step is the hearing notice; a new ticket when it arrives."

tk "09-23 11:40" helena reply 5 \
    -m "Good idea — we've had two near-misses this year with clients forgetting their passports. I'll ask Tomás what's easiest: a shared calendar in the mail system is probably enough."
tk "09-23 11:45" helena action add 5 "Ask Tomás to create a shared 'Client appointments' calendar"
tk "09-23 11:46" helena action add 5 "Agree a naming convention (surname, case number, type)"
tk "09-23 11:47" helena action add 5 "Backfill the appointments already booked for October and November"

# Thu 24 Sep
new 6 "09-24 09:40" priya -s "Rahimi: is a family member's translation of a Farsi birth certificate acceptable?" -c case-support -p high \
    --field case_number=OL-2026-0124 --field deadline=2026-10-02 --field visa_type=settlement \
    --related "Rahimi, Dariush — OL-2026-0124" --tag translation \
    -m "Mr Rahimi's settlement application needs his daughter's birth certificate, which is in Farsi. He has an English translation done by a cousin, on plain paper, no stamp, no name.

Is that acceptable, or do we need a certified translation? If so, who do we normally use? The application should go in by 2 October."

tk "09-24 10:20" ingrid reply 6 --time 25m \
    -m "The cousin's translation won't do. Every document not in English or Welsh needs a full translation that can be checked. The translation must:

- confirm that it is an accurate translation of the original document;
- be dated;
- give the translator's full name and signature;
- give the translator's contact details.

Use the agency on our supplier list (*Templates › Suppliers*); they turn Farsi around in two working days. Please send them a scan of the original today."
tk "09-24 10:25" ingrid action add 6 "Send a scan of the original to the translation agency"
tk "09-24 10:26" ingrid action add 6 "Check names and dates in the translation against the passport"

tk "09-24 11:00" tomas action add 1 "Fit new roller kit and reset the roller counter" --done
tk "09-24 11:05" tomas reply 1 \
    -m "New roller kit fitted and the counter reset. I ran 50 pages of mixed paper through without a jam. Could you try a full bundle?"
tk "09-24 14:15" priya reply 1 -m "Scanned the whole Okafor bundle (143 pages) in one go. Perfect, thank you!"
tk "09-24 14:30" tomas resolve 1 --solution "The pickup and separation rollers were worn out (counter at 231,000 sheets; the kit is rated for about 200,000). Replaced the roller kit, reset the counter and cleaned the feed path. Roller kits are now on the consumables list, to be reordered at 180,000 sheets."

new 7 "09-24 15:30" priya -s "Moreno: Home Office asks for more evidence of income — which documents count?" -c case-support -p medium \
    --field case_number=OL-2026-0131 --field deadline=2026-10-08 --field visa_type=family \
    --related "Moreno Díaz, Lucía — OL-2026-0131" --tag evidence --tag spouse-visa \
    -m "The Home Office has written asking for further evidence that Ms Moreno's husband meets the financial requirement. Letter received today; they give 10 working days, so **8 October**.

He has worked for the same employer since January, earns £31,500 a year, paid monthly. We sent three payslips with the application.

What exactly do they want? Is a letter from his employer enough?"

tk "09-24 16:05" ingrid reply 7 --status waiting-on-requester \
    -m "He has been with his employer for more than six months, so this is the standard salaried route and the evidence is prescriptive:

1. payslips covering the **six months** before the application date (March to August), not three — that's why they're asking;
2. bank statements for the same months showing each salary payment going in;
3. a letter from the employer confirming his employment, gross annual salary, how long he has worked there, the period he has been paid that salary, and the type of contract (permanent).

Could you get the missing payslips and the statements from the client, and ask his employer's HR for the letter? Put the figures in a summary so I can check them against the threshold."
tk "09-24 16:10" ingrid action add 7 "Get payslips and bank statements for March–August"
tk "09-24 16:11" ingrid action add 7 "Employer letter with all the required details"
tk "09-24 16:12" ingrid action add 7 "Check the figures against the income threshold"
tk "09-24 16:13" ingrid action add 7 "Send the evidence to the Home Office"

# Fri 25 Sep
new 8 "09-25 08:45" priya -s "Locked out of the case-management system after a password reset" -c technical -p high \
    --field device=case-management-system --field location=back-office --tag access --tag password \
    -m "I reset my password yesterday evening when it asked me to. This morning it says *Account locked — too many failed attempts*. I don't think I mistyped it more than once. I can't open any client file."

tk "09-25 08:58" tomas reply 8 \
    -m "Found it: your phone's mail app still had the old password and kept retrying overnight — 14 failed logins between 22:00 and 06:00, which locks the account. I've unlocked it.

Before you log in again, please update the saved password on your phone (**Settings › Mail › Accounts**), otherwise it will lock again tonight."
tk "09-25 09:20" priya reply 8 -m "Updated it on the phone and I'm back in. Thanks!"
tk "09-25 09:25" tomas resolve 8 --solution "Unlocked the account. The lockout came from the old password saved in the phone's mail app, which retried all night. Priya updated the phone; no failed logins since."
tk "09-25 09:40" priya close 8

tk "09-25 10:15" ingrid action done 6 1

tk "09-25 10:30" priya reply 7 \
    -m "Client is sending the statements and the missing payslips over the weekend. Her husband's HR says the letter takes 3–5 working days."
tk "09-25 10:45" ingrid status 7 waiting-on-requester

tk "09-25 11:30" priya close 2

tk "09-25 15:10" tomas reply 5 -m "Created a shared calendar called **Client appointments**; everyone in the office can add and edit. It should appear under *Shared calendars* after you restart Outlook."
tk "09-25 15:12" helena action done 5 1

tk "09-25 16:30" tomas action done 3 1
tk "09-25 16:32" tomas reply 3 \
    -m "I've pushed a new VPN profile; it installs itself the next time you connect. Let me know how it behaves on Monday."

cat >faq/case-management-password.md <<'EOF'
---
title: Locked out of the case-management system after changing the password
category: technical
tags: [access, password]
source: TKT008
author: tomas
created: 2026-09-25T17:00:00Z
updated: 2026-09-25T17:00:00Z
---

The account locks after 10 failed logins in a row. After a password change
the usual culprit is **a device still using the old password** — most often
the mail app on your phone, which retries all night.

When you change your password:

1. Change it on your computer first.
2. Straight away, update it on your phone (**Settings › Mail › Accounts**)
   and on any tablet.
3. If you are already locked out, file a ticket (category *technical*,
   device *case-management-system*); IT can unlock you in a minute.
EOF
commit_as "09-25 17:00" tomas "FAQ: lockouts after a password change (from TKT008)" faq/case-management-password.md

# ---------------------------------------------------------------------------
# Week 2: 28 September – 2 October.

# Mon 28 Sep
tk "09-28 08:30" ingrid reply 3 -m "Worked from home all morning — no drops in three hours."
tk "09-28 08:50" tomas resolve 3 --solution "The home router dropped the VPN's idle UDP mapping after about 20 minutes, so rekeying failed and the tunnel fell over. Pushed a new VPN profile with a 10-second keepalive and TCP 443 fallback; no drops since."

new 9 "09-28 09:15" helena -s "Front-office printer: faint streaks, then blank pages" -c technical -p medium \
    --field device=printer --field location=front-office --field asset_tag=OL-IT-0017 --tag hardware --tag printer \
    -m "Client-care letters come out with faint vertical streaks, and every few pages one is completely blank. The toner gauge says 40% left. Reception needs this printer for the engagement letters."

tk "09-28 09:40" tomas reply 9 \
    -m "The gauge is often optimistic. I'll swap in a new toner cartridge this morning and print a test page."
tk "09-28 10:05" tomas action add 9 "Replace toner cartridge" --done
tk "09-28 10:10" tomas resolve 9 --solution "Replaced the toner cartridge; the old one was almost empty despite the 40% gauge. Test page clean."

tk "09-28 10:30" priya reply 6 \
    -m "Translation is back from the agency (case folder, *Evidence/Translations*). One problem: they spelled the surname **Rahimy**, but the passport says **Rahimi**."
tk "09-28 11:00" ingrid reply 6 \
    -m "Good catch. Ask the agency to correct it and re-issue — names must match the passport exactly, otherwise we invite a query. They do corrections free of charge, same day."
tk "09-28 16:00" priya reply 6 -m "Corrected translation received; the spelling now matches the passport and it has the translator's statement, date, signature and contact details."
tk "09-28 16:10" ingrid action done 6 2
tk "09-28 16:15" ingrid resolve 6 --solution "A translation by a relative is not acceptable. Ordered a certified translation from the agency on our supplier list, with the translator's confirmation of accuracy, date, full name, signature and contact details. The surname was misspelled in the first version and corrected to match the passport. Included in the application bundle."

cat >faq/certified-translations.md <<'EOF'
---
title: What a certified translation must contain
category: case-support
tags: [translation, evidence]
source: TKT006
author: ingrid
created: 2026-09-28T17:10:00Z
updated: 2026-09-28T17:10:00Z
---

Any document that is not in English or Welsh needs a full translation the
Home Office can check. Translations by the client, a relative or a friend
are not accepted. The translation must:

- confirm that it is an accurate translation of the original document;
- be dated;
- give the translator's **full name and signature**;
- give the translator's **contact details**.

Use the agencies on our supplier list (*Templates › Suppliers*). Before the
translation goes in the bundle, check every name and date against the
passport: a misspelled name is the most common reason for a query.

Allow two working days for common languages, a week for rarer ones.
EOF
commit_as "09-28 17:10" ingrid "FAQ: certified translations (from TKT006)" faq/certified-translations.md

# Tue 29 Sep
tk "09-29 09:10" priya close 1
tk "09-29 09:30" priya close 6

new 10 "09-29 10:05" ingrid -s "A standard checklist for Skilled Worker extensions" -c suggestion -p medium \
    --field area=process --field estimated_cost=0 --tag checklist --tag skilled-worker \
    -m "Three extensions this month went back and forth with the client because we asked for documents piecemeal. I suggest one checklist — client documents, sponsor documents and our own checks — that we hand over at the first meeting and keep in the case folder."
tk "09-29 10:40" helena reply 10 \
    -m "Agreed. Ingrid, could you list the legal requirements? I'll turn them into a client-facing checklist and an internal one."
tk "09-29 10:42" helena action add 10 "Ingrid: list the documents and checks"
tk "09-29 10:43" helena action add 10 "Helena: format client and internal versions"
tk "09-29 10:44" helena action add 10 "Save in Templates › Checklists"

tk "09-29 11:20" priya reply 7 --attach "$FILES/income-summary.csv" \
    -m "All six payslips (March–August) and the matching bank statements are in the case folder. Summary attached. The employer letter is still pending."
tk "09-29 11:45" ingrid action done 7 1
tk "09-29 11:50" ingrid note 7 \
    -m "Checked the summary: basic gross £2,625 every month = £31,500 a year, above the £29,000 threshold on salary alone. April includes a one-off £400 bonus; we don't need it, so I'll leave it out of the calculation and say so in the cover letter."
tk "09-29 11:52" ingrid action done 7 3
tk "09-29 12:00" ingrid priority 7 high

tk "09-29 15:30" helena action done 5 2

cat >faq/scanner-paper-jams.md <<'EOF'
---
title: The scanner keeps jamming on multi-page documents
category: technical
tags: [hardware, scanner]
source: TKT001
author: tomas
created: 2026-09-29T16:30:00Z
updated: 2026-09-29T16:30:00Z
---

Before filing a ticket:

1. Open the front cover and remove any torn paper, staples or sticky notes.
2. Take out staples and paper clips from the bundle; flatten folded corners.
3. Feed at most 30 sheets at a time, and never mix thick card with thin paper.
4. Wipe the rollers with a lint-free cloth and a little isopropyl alcohol.

If it still jams, or the display shows an error code (for example **U12**),
file a ticket in *technical* with device *scanner* and a photo of the display.

The rollers wear out after about 200,000 sheets (IT replaces them; the
counter is checked every month).
EOF
commit_as "09-29 16:30" tomas "FAQ: scanner paper jams (from TKT001)" faq/scanner-paper-jams.md

# Wed 30 Sep
tk "09-30 09:00" ingrid reply 10 \
    -m "My list for the checklist:

- passport(s) and current BRP or eVisa share code;
- Certificate of Sponsorship number, and a check that the occupation code and salary on it are right;
- last three payslips;
- English language evidence only if not accepted before;
- dependants' passports and relationship documents, with certified translations;
- **our** check that the application goes in before the current leave expires, with the date noted in the file."
tk "09-30 09:05" helena action done 10 1

new 11 "09-30 13:30" priya -s "Siddiqui: can we ask the tribunal for more time to file the appeal bundle?" -c case-support -p medium \
    --field case_number=OL-2026-0109 --field deadline=2026-10-09 --field visa_type=appeal \
    --related "Siddiqui, Farhan — OL-2026-0109" --tag appeal --tag tribunal --tag deadline \
    -m "The tribunal's directions say the appellant's bundle is due on 9 October. The country expert's report won't be ready until 20 October (the expert is travelling). Can we ask the tribunal for an extension, and how?"
tk "09-30 14:15" ingrid reply 11 \
    -m "Yes — but apply **before** the deadline, not after. Keep the application short:

- which direction, and the new date we want;
- why: the expert report, with the expert's email confirming when it will be ready;
- that we have asked the Home Office whether they object, and what they said.

Draft it and I'll check and sign. Email the Home Office presenting officers first so we can say they don't object."
tk "09-30 14:17" ingrid action add 11 "Ask the Home Office whether they object to an extension"
tk "09-30 14:18" ingrid action add 11 "Draft the application for an extension of time"
tk "09-30 14:19" ingrid action add 11 "File the application with the tribunal"

# Thu 1 Oct
tk "10-01 09:20" helena reopen 9
tk "10-01 09:22" helena reply 9 --attach "$FILES/test-page-streaks.png" \
    -m "The streaks are back this morning, even with the new toner, and it jammed once near the back. Test page attached."
tk "10-01 09:50" tomas note 9 \
    -m "Streaks with fresh toner point to the fuser or the drum. The printer is under the service contract until March, so I've logged a call with the vendor (contract OL-SVC-2291)."
tk "10-01 09:55" tomas action add 9 "Log a service call with the vendor (contract OL-SVC-2291)" --done
tk "10-01 09:56" tomas action add 9 "Vendor engineer visit"

new 12 "10-01 11:00" priya -s "Chen: no free biometrics appointments for five weeks" -c case-support -p high \
    --field case_number=OL-2026-0138 --field deadline=2026-10-16 --field visa_type=skilled-worker \
    --related "Chen, Wei — OL-2026-0138" --tag biometrics \
    -m "Mr Chen's Skilled Worker extension went in online on 30 September; his current visa expires on 16 October. The nearest service point has no free biometrics appointments until 3 November. Only paid appointments are available sooner.

Is he in trouble if he gives his biometrics after his visa expires? Should he pay for an earlier slot?"
tk "10-01 11:40" ingrid reply 12 \
    -m "No need to panic. The application was made **before** his visa expires, so his permission continues on the same conditions while it is pending — he can keep working for his sponsor. Giving biometrics after 16 October is fine.

So:

- book the first free appointment (3 November) and keep checking for cancellations;
- a paid appointment is his choice, not a requirement — tell him that clearly;
- save screenshots of the availability in the case folder, in case the delay is ever questioned;
- add the appointment to the **Client appointments** calendar."
tk "10-01 12:00" priya reply 12 -m "Booked the free slot on 3 November; the client is happy with that. Screenshots are in the case folder and the appointment is in the shared calendar."
tk "10-01 12:10" ingrid resolve 12 --solution "The application was made before the visa expired, so Mr Chen's permission continues while it is pending and late biometrics do no harm. Booked the first free appointment (3 November), told the client a paid slot is optional, saved screenshots of availability, added the appointment to the shared calendar."

cat >faq/vpn-keeps-disconnecting.md <<'EOF'
---
title: The VPN keeps disconnecting when I work from home
category: technical
tags: [vpn, remote-work]
source: TKT003
author: tomas
created: 2026-10-01T16:00:00Z
updated: 2026-10-01T16:00:00Z
---

If the VPN drops every 15–30 minutes and reconnects by itself, your home
router is probably forgetting the connection when it looks idle.

1. Disconnect and reconnect once: the current profile (with a 10-second
   keepalive and a fallback over port 443) installs itself when you connect.
2. Check the profile date under **Help › About**: it should be 25 September
   2026 or later.
3. Still dropping? In the VPN window use **Help › Export logs** right after a
   drop and attach the .log file to a ticket (*technical*, device *vpn*).

Never save client documents locally to work around a flaky VPN: use the
shared drive once you are reconnected.
EOF
commit_as "10-01 16:00" tomas "FAQ: VPN disconnects at home (from TKT003)" faq/vpn-keeps-disconnecting.md

# Fri 2 Oct
tk "10-02 09:10" tomas reply 9 \
    -m "The vendor's engineer is coming on Monday morning. Until then, please print engagement letters on the back-office printer."

tk "10-02 10:00" priya reply 7 \
    -m "The employer letter arrived. It confirms his salary of £31,500 and that the contract is permanent, but it doesn't say when he started or how long he's been paid that salary."
tk "10-02 10:40" ingrid reply 7 --status waiting-on-requester \
    -m "Then it doesn't comply yet — the start date and the period he has been paid this salary are required items. Please ask HR for a corrected letter today; explain it must go in by the 8th. If it helps, send them the list from my first reply word for word."

tk "10-02 11:30" ingrid action done 11 1
tk "10-02 11:35" priya reply 11 \
    -m "The Home Office replied: no objection. Draft application is in the case folder (*Siddiqui/Tribunal/Extension v1*), asking for 20 October."

new 13 "10-02 14:20" priya -s "Key card and locker for the new paralegal starting Monday" -c other -p medium \
    --field topic=access-cards --tag onboarding \
    -m "Jonas starts on Monday 5 October. He'll need a key card for the main door and the file room, and a locker."
tk "10-02 14:50" helena reply 13 \
    -m "Card ordered from building management; I'll have it at reception on Monday at 08:30. Locker 12 is free, the key is in my drawer."
tk "10-02 14:52" helena action add 13 "Order key card (main door and file room) from building management" --done
tk "10-02 14:53" helena action add 13 "Hand over card and locker key on Monday"

tk "10-02 15:30" ingrid reply 11 \
    -m "Application is fine, one change: ask for **23 October**, not the 20th, so we have time to serve the report on the Home Office. I've signed it and filed it."
tk "10-02 15:45" ingrid action done 11 2
tk "10-02 15:50" ingrid action done 11 3

# ---------------------------------------------------------------------------
# Week 3: 5–9 October.

# Mon 5 Oct
tk "10-05 08:35" helena action done 13 2
tk "10-05 08:40" helena resolve 13 --solution "Key card (main door and file room) and the key to locker 12 handed to Jonas at reception on his first morning."

new 14 "10-05 09:10" ingrid -s "Laptop won't start — hearing bundle annotations on it, hearing tomorrow" -c technical -p urgent \
    --field device=laptop --field location=home --field asset_tag=OL-IT-0031 --tag hardware \
    --related "Begum, Nasrin — OL-2026-0088" \
    -m "My laptop shows the logo, then a black screen with a blinking cursor. My annotated copy of the Begum hearing bundle is on it, and the hearing is **tomorrow at 10:00**. I'm coming in now."
tk "10-05 09:15" tomas reply 14 \
    -m "Bring it straight to me. Your Documents and Desktop are in the nightly backup, so the worst case is losing this morning's changes."
tk "10-05 09:45" tomas note 14 \
    -m "SSD fails its self-test; not worth trying to repair today. Restoring Ingrid's profile and files from last night's 02:00 backup onto loan laptop OL-IT-0035."
tk "10-05 09:47" tomas action add 14 "Restore files from last night's backup to loan laptop OL-IT-0035"
tk "10-05 09:48" tomas action add 14 "Send OL-IT-0031 for SSD replacement under warranty"

tk "10-05 11:10" tomas action add 9 "Vendor replaced the fuser unit" --done
tk "10-05 11:12" tomas action done 9 3
tk "10-05 11:14" tomas reply 9 \
    -m "The engineer replaced the fuser unit (worn, under contract, no charge) and printed 200 pages without a streak. The front-office printer is back in service."
tk "10-05 11:15" tomas resolve 9 --solution "The streaks were a worn fuser unit, not the toner. The vendor replaced the fuser under the service contract (OL-SVC-2291); 200 test pages clean. The new toner cartridge fitted on 28 September stays in."

tk "10-05 11:30" tomas action done 14 1
tk "10-05 11:32" tomas reply 14 \
    -m "Loan laptop OL-IT-0035 is ready with everything from your Documents and Desktop as of 02:00 last night, including the annotated bundle. Please check the annotations are all there before you go."
tk "10-05 11:50" ingrid reply 14 -m "All annotations are there. Thank you — that saved my evening."
tk "10-05 12:00" tomas resolve 14 --solution "The laptop's SSD failed. Restored Ingrid's files from the nightly backup onto loan laptop OL-IT-0035; nothing was lost. OL-IT-0031 goes back to the manufacturer for an SSD replacement under warranty."

tk "10-05 14:00" priya close 13

tk "10-05 14:30" priya reply 7 -m "Corrected employer letter is in: start date 12 January 2026, paid £31,500 since then, permanent contract."
tk "10-05 15:00" ingrid action done 7 2

tk "10-05 16:20" helena action add 10 "Ingrid to review the draft"

# Tue 6 Oct
tk "10-06 09:40" ingrid action done 7 4
tk "10-06 09:45" ingrid resolve 7 --solution "Sent the further evidence to the Home Office on 6 October, two days before the deadline:

- six months of payslips (March–August 2026) and the matching bank statements;
- a corrected employer letter (start date, salary of £31,500, paid since January, permanent contract);
- a cover letter showing the basic salary alone is above the £29,000 threshold (the April bonus is not relied on).

Lesson for next time: collect **six** months of payslips for salaried sponsors from the start."

new 15 "10-06 10:45" priya -s "Haddad: can the client travel abroad while her settlement application is pending?" -c case-support -p medium \
    --field case_number=OL-2026-0142 --field visa_type=settlement \
    --related "Haddad, Rania — OL-2026-0142" --tag travel \
    -m "Ms Haddad applied for indefinite leave to remain in August; no decision yet. Her mother in Amman is ill and she wants to fly out for two weeks in November. Is that OK? Does she need her passport back from the Home Office?"
tk "10-06 11:30" ingrid reply 15 --status waiting-on-requester \
    -m "Before I answer: when did her previous visa expire, and on what date exactly did she submit the application? It changes the advice."
tk "10-06 14:00" priya reply 15 -m "Applied on 28 August; her previous visa expired on 12 September."
tk "10-06 14:30" ingrid reply 15 \
    -m "Then she must **not** travel. If she leaves the Common Travel Area (UK, Ireland, Channel Islands, Isle of Man) while the application is pending, it is treated as withdrawn — and since her visa has expired, she would have no permission to come back.

What we can do: ask the Home Office to decide the application quickly on compassionate grounds. For that we need a letter from her mother's doctor about the diagnosis and prognosis, with a certified translation if it's in Arabic."
tk "10-06 14:35" ingrid action add 15 "Get a doctor's letter about the mother's condition (with certified translation)"
tk "10-06 14:36" ingrid action add 15 "Send an expedite request on compassionate grounds"

# Wed 7 Oct
tk "10-07 09:10" priya close 7
tk "10-07 09:30" ingrid close 14

new 16 "10-07 15:00" tomas -s "Set all printers to double-sided by default" -c suggestion -p low \
    --field area=office --field estimated_cost=0 --tag printing \
    -m "We print about 9,000 pages a month, mostly bundles and drafts. Making double-sided the default on every printer would roughly halve our paper use (about £60 a month) and make bundles lighter to carry to hearings. Anything that must be single-sided can still be switched in the print dialog."
tk "10-07 15:20" helena reply 16 \
    -m "Yes please. Tomás, could you take this on yourself — but only after the Siddiqui bundle has gone out, nobody wants a surprise that week."
tk "10-07 15:25" tomas take 16

# Thu 8 Oct
new 17 "10-08 09:30" priya -s "Client disclosed domestic abuse during a call — safeguarding and next steps" -c case-support -p urgent \
    --field case_number=OL-2026-0158 --field visa_type=family --confidential \
    --related "Client K. — OL-2026-0158" --tag safeguarding --tag domestic-abuse \
    -m "During a routine call about her spouse-visa extension, the client told me her husband is abusive and controls her phone and her documents. She is safe right now, staying with a friend. She asked us **not** to call her mobile or write to the home address.

So far I have only written \"do not contact at home address\" in the case notes. What do we do now?"
tk "10-08 09:42" ingrid reply 17 \
    -m "Thank you Priya, you handled that well. Right now:

1. I have restricted the file in the case-management system: only you, Helena and I can open it.
2. Contact her only on the friend's number she gave you. Never leave a voicemail, never email.
3. If she tells you she is in immediate danger, she (or we) call 999.

I'll call her at 14:00 today about the options: she may qualify for the concession for migrant victims of domestic abuse, and later settlement as a victim of domestic abuse. Please don't discuss the case with anyone outside the three of us."
tk "10-08 09:45" ingrid action add 17 "Restrict the file in the case-management system" --done
tk "10-08 09:46" ingrid action add 17 "Call the client on the friend's number at 14:00"
tk "10-08 09:47" ingrid action add 17 "Refer to the local domestic abuse service (with her consent)"
tk "10-08 09:48" ingrid action add 17 "Prepare the application under the domestic abuse concession"

tk "10-08 11:00" ingrid reply 11 -m "The tribunal has granted the extension: the bundle is now due on **23 October**. Directions in the case folder."
tk "10-08 11:05" ingrid resolve 11 --solution "Applied to the tribunal for an extension of time before the deadline, with the expert's confirmation of the report date and the Home Office's written non-objection. Granted: the appellant's bundle is now due on 23 October."
tk "10-08 11:30" priya close 11

tk "10-08 14:45" ingrid note 17 \
    -m "Spoke to the client 14:00–14:40 on the friend's number. She consents to a referral. She has copies of her passport; the original passport and her BRP are with the husband. Evidence available: GP letter, police report from March. Going ahead with the concession application."
tk "10-08 14:50" ingrid action done 17 2

cat >faq/asking-the-tribunal-for-more-time.md <<'EOF'
---
title: Asking the tribunal for more time
category: case-support
tags: [appeal, tribunal, deadline]
source: TKT011
author: ingrid
created: 2026-10-08T17:30:00Z
updated: 2026-10-08T17:30:00Z
---

If we cannot comply with a tribunal direction in time, we apply for an
extension **before** the deadline. An application after the deadline is
much harder to win.

The application is short:

1. which direction, and the new date we ask for (leave a margin: the Home
   Office must get our documents too);
2. the reason, with evidence (for example the expert's email confirming
   when the report will be ready);
3. the Home Office's position: email the presenting officers first and
   quote their answer.

The paralegal drafts it from *Templates › Tribunal › Extension of time*;
the supervising lawyer checks, signs and files it. Put the new date in the
case file and the shared calendar as soon as it is granted.
EOF
commit_as "10-08 17:30" ingrid "FAQ: asking the tribunal for more time (from TKT011)" faq/asking-the-tribunal-for-more-time.md

# Fri 9 Oct
tk "10-09 10:00" helena reply 10 --attach "$FILES/skilled-worker-extension-checklist.md" \
    -m "Draft checklist attached — client section first, then the sponsor and our own checks. Ingrid, anything missing?"
tk "10-09 10:05" helena action done 10 2
tk "10-09 11:20" ingrid reply 10 -m "Looks complete. Tick the TB certificate only for clients from listed countries — it's already phrased that way. Ship it."
tk "10-09 11:25" helena action done 10 4
tk "10-09 11:30" helena action done 10 3
tk "10-09 11:35" helena resolve 10 --solution "Checklist written (client documents, sponsor documents, our checks) and saved in **Templates › Checklists › Skilled Worker extension**. Hand it to the client at the first meeting and keep the ticked copy in the case folder."

tk "10-09 14:10" priya reply 15 -m "The doctor's letter and its certified translation are in the case folder."
tk "10-09 14:20" ingrid action done 15 1
tk "10-09 15:40" ingrid action done 15 2
tk "10-09 15:45" ingrid resolve 15 --solution "Advised that Ms Haddad must not travel outside the Common Travel Area while her settlement application is pending: the application would be treated as withdrawn and, her previous visa having expired, she could not return. Sent an expedite request on compassionate grounds on 9 October with the doctor's letter and its certified translation."

# ---------------------------------------------------------------------------
# Week 4: 12–16 October.

# Mon 12 Oct
tk "10-12 09:05" ingrid action done 17 3

new 18 "10-12 09:25" priya -s "Nowak: Skilled Worker extension refused — appeal or administrative review?" -c case-support -p high \
    --field case_number=OL-2026-0121 --field deadline=2026-10-23 --field visa_type=skilled-worker \
    --related "Nowak, Piotr — OL-2026-0121" --tag refusal \
    -m "Mr Nowak's Skilled Worker extension was refused; the decision is dated 9 October. The reason given is that his salary is below the going rate for his occupation code, but his employer says they used the right code. Do we appeal?"
tk "10-12 10:10" ingrid reply 18 \
    -m "No right of appeal here: a refusal under the points-based routes is challenged by **administrative review**, which has to be made within 14 days of receiving the decision — so by 23 October at the latest. (An appeal would only arise if a human rights claim had been refused, which it wasn't.)

If the caseworker compared his salary with the wrong occupation code, that's exactly the kind of caseworking error an administrative review fixes. Please get me the refusal letter and the Certificate of Sponsorship."
tk "10-12 10:12" ingrid action add 18 "Get the refusal letter and the Certificate of Sponsorship"
tk "10-12 10:13" ingrid action add 18 "Draft the administrative review grounds"
tk "10-12 10:14" ingrid action add 18 "Submit the administrative review by 23 October"

tk "10-12 15:00" priya reply 18 -m "Both documents are in the case folder. The CoS has occupation code 2134; the refusal letter compares his salary with the going rate for code 2133."
tk "10-12 15:20" ingrid action done 18 1

# Tue 13 Oct
new 19 "10-13 10:20" priya -s "A shared glossary of standard translations for common documents" -c suggestion -p medium \
    --field area=tools --tag translation \
    -m "We keep asking the agencies the same questions about how to render certificate headings, stamps and Persian and Arabic names. A shared glossary (document type, original heading, our agreed English wording, name spellings we've used for a client) would save time and avoid inconsistent spellings across one family's documents."
tk "10-13 12:00" helena priority 19 low
tk "10-13 12:02" helena note 19 -m "Good idea but not urgent; on the agenda for the team meeting on 2 November. Ingrid should say what we may keep about client names."

# Wed 14 Oct
new 20 "10-14 11:15" priya -s "Which courier do we use to return original passports to clients?" -c other -p medium \
    --field topic=couriers --tag couriers --tag documents \
    -m "The Home Office has returned Mr Rahimi's and his daughter's passports to us. He lives three hours away. Can we post them, or is there a courier we use?"
tk "10-14 11:55" helena reply 20 \
    -m "Never by ordinary post. We have an account for tracked, signed-for next-day delivery — booking details in *Templates › Suppliers › Couriers*. Book it in the practice's name, put the tracking number in the case file, and ask the client to confirm receipt by phone."
tk "10-14 12:00" helena resolve 20 --solution "Original documents go by the tracked, signed-for next-day courier on the practice account (details in Templates › Suppliers › Couriers), never by ordinary post. Tracking number in the case file; client confirms receipt by phone."
tk "10-14 16:20" priya close 20

# Fri 16 Oct
cat >faq/biometrics-appointments.md <<'EOF'
---
title: Biometrics appointments — what to tell clients
category: case-support
tags: [biometrics, appointments]
source: TKT012
author: ingrid
created: 2026-10-16T12:00:00Z
updated: 2026-10-16T12:00:00Z
---

After an application is submitted online, the client books an appointment
to give fingerprints and a photo.

- **If the application went in before the client's visa expired**, their
  permission continues on the same conditions while it is pending. A
  biometrics appointment after the expiry date is not a problem.
- Free appointments are often weeks away. Paid appointments are the
  client's choice, never a requirement; say so clearly.
- Save screenshots of availability in the case folder.
- Add every appointment to the shared **Client appointments** calendar,
  with surname, case number and type (for example
  *Chen OL-2026-0138 biometrics*).
- Remind the client two days before to bring their passport and the
  appointment confirmation.
EOF
commit_as "10-16 12:00" ingrid "FAQ: biometrics appointments (from TKT012)" faq/biometrics-appointments.md

# ---------------------------------------------------------------------------
# Week 5: 19–23 October.

# Mon 19 Oct
new 21 "10-19 09:05" ingrid -s "Case-management system very slow since the weekend update" -c technical -p high \
    --field device=case-management-system --tag performance \
    -m "Since the update over the weekend, opening a client file takes 30–40 seconds and search often times out. Priya says the same. We have the Siddiqui bundle to finish this week."
tk "10-19 09:25" tomas reply 21 \
    -m "Confirmed — it's slow for everyone. The update rebuilt the search index and the server is still busy with it. I've opened a call with the vendor."
tk "10-19 09:27" tomas action add 21 "Open a support call with the vendor" --done
tk "10-19 09:28" tomas action add 21 "Apply the vendor's fix and check opening times"
tk "10-19 16:40" tomas note 21 -m "Vendor: known problem in the update, the index rebuild runs at full priority. Hotfix tonight; they'll apply it remotely after 19:00."

tk "10-19 17:00" ingrid action done 17 4
tk "10-19 17:05" ingrid note 17 \
    -m "Application under the domestic abuse concession submitted today, with GP letter and police report. Client now has a safe correspondence address (refuge); updated in the restricted file only. Next: settlement application once the concession is granted."
tk "10-19 17:06" ingrid action add 17 "Prepare the settlement application once the concession is granted"

# Tue 20 Oct
tk "10-20 08:45" tomas action done 21 2
tk "10-20 08:50" tomas reply 21 -m "The hotfix is in. Client files open in 2–3 seconds again and search works. Can you confirm on your side?"

# Wed 21 Oct
tk "10-21 09:15" ingrid reply 21 -m "Yes, fast again. Thanks."
tk "10-21 09:30" tomas resolve 21 --solution "The weekend update rebuilt the search index at full priority and starved the server. The vendor applied a hotfix on the evening of 19 October; file opening is back to 2–3 seconds."
tk "10-21 14:10" ingrid action done 18 2
tk "10-21 16:30" ingrid action done 18 3
tk "10-21 16:35" ingrid note 18 \
    -m "Administrative review submitted: the caseworker compared Mr Nowak's salary with the going rate for code 2133 instead of 2134, the code on his CoS. Outcome usually within 28 days; keep this open until then."

# Thu 22 Oct
tk "10-22 09:00" ingrid close 21

new 22 "10-22 11:10" priya -s "Could I work from home on Fridays?" -c other -p low \
    --field topic=working-arrangements \
    -m "Fridays are quiet at the front desk and I mostly draft bundles. Could I work from home on Fridays from November? Who needs to approve it?"
tk "10-22 11:40" helena take 22
tk "10-22 11:45" helena reply 22 --status waiting-on-requester \
    -m "Fine by me in principle; Ingrid approves it for the paralegals. Before we decide: could you list which of your cases have Friday deadlines or client appointments in November, so we can see whether the front desk is covered?"

# ---------------------------------------------------------------------------
# Week 6: 26–30 October.

# Mon 26 Oct
new 23 "10-26 08:40" priya -s "Scanner down again: error U12, nothing feeds" -c technical -p high \
    --field device=scanner --field location=back-office --field asset_tag=OL-IT-0042 \
    --related "Same scanner as TKT001" --tag hardware --tag scanner --attach "$FILES/scanner-u12.png" \
    -m "The back-office scanner shows **U12** on the display and won't pull in any paper at all, not even a single sheet. I switched it off and on twice. Photo of the display attached."
tk "10-26 08:55" tomas priority 23 urgent
tk "10-26 09:05" tomas reply 23 \
    -m "U12 is a feed-motor fault, not a jam — not something we can fix in-house. I've called the vendor. Meanwhile the front-office printer can scan to your folder: **Scan › To network folder › Priya**."
tk "10-26 09:06" tomas action add 23 "Call the vendor about error U12" --done
tk "10-26 09:07" tomas action add 23 "Set up scan-to-folder on the front-office printer for the back office" --done
tk "10-26 09:08" tomas action add 23 "Engineer visit (booked for Tuesday 3 November)"
tk "10-26 09:30" tomas note 23 -m "Scanner is out of warranty (bought 2022). Engineer visit is £120 plus parts; if the motor is gone a replacement unit is about £900. Helena, please keep the budget in mind."

tk "10-26 11:00" tomas action add 16 "Set double-sided as the default on the print server" --done
tk "10-26 11:05" tomas reply 16 -m "Done: every printer now defaults to double-sided. For single-sided, choose *Print on one side* in the print dialog. I'll mention it at the team meeting on 2 November."
tk "10-26 11:06" tomas action add 16 "Announce it at the team meeting on 2 November"

cat >faq/biometrics-appointments.md <<'EOF'
---
title: Biometrics appointments — what to tell clients
category: case-support
tags: [biometrics, appointments]
source: TKT012
author: ingrid
created: 2026-10-16T12:00:00Z
updated: 2026-10-26T14:00:00Z
---

After an application is submitted online, the client books an appointment
to give fingerprints and a photo.

- **If the application went in before the client's visa expired**, their
  permission continues on the same conditions while it is pending. A
  biometrics appointment after the expiry date is not a problem.
- Free appointments are often weeks away. Paid appointments are the
  client's choice, never a requirement; say so clearly.
- Save screenshots of availability in the case folder.
- Add every appointment to the shared **Client appointments** calendar,
  with surname, case number and type (for example
  *Chen OL-2026-0138 biometrics*).
- Remind the client two days before to bring their passport and the
  appointment confirmation.
- **Dependants need their own appointments.** Book children's slots next to
  the parent's, and check that a parent or guardian can attend with them.
EOF
commit_as "10-26 14:00" ingrid "FAQ: biometrics — dependants need their own appointments" faq/biometrics-appointments.md

# Tue 27 Oct
new 24 "10-27 10:30" priya -s "Sponsor client asks how to do right-to-work checks for new hires" -c case-support -p medium \
    --field case_number=OL-2026-0099 --field visa_type=sponsor-licence \
    --related "Harbour Lane Bakery Ltd — OL-2026-0099" --tag sponsor-licence --tag right-to-work \
    -m "Harbour Lane Bakery (our sponsor-licence client) is hiring three people next month and asks what right-to-work checks they must do, and whether a photocopy of a passport is enough. Can you give me a short answer I can send them, or should this be a paid advice call?"
tk "10-27 11:15" ingrid reply 24 --status waiting-on-requester \
    -m "Happy to draft something, but first: are the new hires British or Irish citizens with passports, or people with eVisas who will give a share code? The check is different (manual document check vs. the online check), and so is what they must keep on file. Could you ask the client?"

# Wed 28 Oct
new 25 "10-28 09:20" ingrid -s "Voicemail no longer arrives by email" -c technical -p medium \
    --field device=phone --field location=back-office --tag phones \
    -m "Since Monday my voicemails don't arrive as emails any more. The phone shows the message light, but nothing comes into my inbox. Clients leave messages about hearing dates, so I need these."
tk "10-28 10:05" tomas reply 25 --status waiting-on-requester \
    -m "The phone system's mail password had expired on Monday; I've renewed it. Could you leave yourself a test voicemail from your mobile and tell me whether the email arrives?"

# Thu 29 Oct
new 26 "10-29 16:10" priya -s "Access denied on the Siddiqui appeal folder" -c technical -p medium \
    --field device=shared-drive --tag access \
    -m "Since this afternoon I get *Access denied* when I open **Appeals › Siddiqui** on the shared drive. Other appeal folders open fine. I need it to check the served bundle tomorrow."

# Fri 30 Oct
tk "10-30 09:35" priya escalate 26 --reason "The served bundle has to be checked today and the folder is still locked. Can someone with admin rights look at it this morning?"
tk "10-30 10:00" helena action done 5 3 --time 1h30m
tk "10-30 10:05" helena reply 5 -m "All October and November appointments are now in the shared calendar. Last step: agree at the team meeting on 2 November that new appointments go in on the day they're booked."
tk "10-30 10:06" helena action add 5 "Agree at the team meeting: appointments go in the calendar on the day they are booked"

new 27 "10-30 16:40" priya -s "Client detained on arrival at the airport — who is on call this weekend?" -c case-support -p urgent \
    --field case_number=OL-2026-0163 --field visa_type=visitor \
    --related "Ibrahim, Yusuf — OL-2026-0163" --tag detention --tag out-of-hours \
    -m "Mr Ibrahim's brother just called: Mr Ibrahim landed at 15:30 on his visit visa and has been held at the border since. Border Force told the brother he may be refused entry and removed tomorrow. The brother's number is in the case file. Who is on call this weekend?"
tk "10-30 16:52" ingrid note 27 -m "I'm on call this weekend and will take this. Calling the brother now, then Border Force at the airport for the reason and the removal directions."

# The cron job that applies the escalation rules, at the end of the day.
tk "10-30 17:30" helena sla apply

# After his shift, Jonas asks for leave — privately: a confidential ticket,
# which Priya (the other requester) can neither see nor find.
new 28 "10-30 17:40" jonas -s "Two days off for my wife's appeal hearing in November" -c other -p medium \
    --field topic=working-arrangements --confidential --tag leave \
    -m "My wife's appeal against the refusal of her spouse visa is listed for Thursday 12 November at the tribunal in Birmingham, and I want to be there with her. I would need that day off, and probably Friday the 13th as well, because the hearing may run over.

Please keep this between the people who need to know. Nobody at the front desk knows about her case and I would like it to stay that way. She has her own solicitor from another firm, not us."
tk "10-30 17:48" helena take 28
tk "10-30 17:52" helena reply 28 \
    -m "Of course, Jonas. Both days are yours as special leave, not holiday, so they don't come out of your allowance. The staff calendar will only say that you are away, nothing more, and this ticket is confidential: only Ingrid, Tomás and I can see it. I hope the hearing goes well for you both."
tk "10-30 17:58" helena note 28 \
    -m "Special leave approved for 12 and 13 November (paid, compassionate-leave allowance). Front desk cover: Priya takes the mornings, and I've asked the agency for a temp in the afternoons.
Conflict check done: his wife is not our client and another firm represents her, so nobody here advises on her case; if Jonas asks us anything about it, we point him to her solicitor."
tk "10-30 18:05" jonas reply 28 \
    -m "Thank you, Helena, that is a real relief. I will hand the front-desk diary over on Wednesday 11 November and leave the post log up to date before I go."

# ---------------------------------------------------------------------------
# Mon 2 November: the tracker moves to the office server, and the reception
# PC gets a clone of its own, so Jonas can file tickets from the front desk.
# The server is a bare repository; both clones share their work through it
# with `tkt sync`. Before either syncs, Jonas and Priya each register a
# ticket, and each clone gives its new ticket the next folio, TKT029. Priya
# syncs first, so hers is TKT029 for good; when Jonas syncs, his ticket
# moves to TKT030 and its timeline records the change ("safe folios").

SERVER=$WORK/server.git
RECEPTION=$WORK/reception
git clone -q --bare "$TRACKER" "$SERVER"
git remote add origin "$SERVER"
git push -q -u origin HEAD 2>>"$LOG"

git clone -q "$SERVER" "$RECEPTION" 2>>"$LOG"
cd "$RECEPTION"
git config user.name "$(name_of jonas)"
git config user.email "$(email_of jonas)"    # Jonas's PC: who syncs, without --as
git config commit.gpgsign false
"$TKT" setup >>"$LOG" 2>&1                    # the merge driver, in this clone too

# At the reception PC (not synced yet: the folio is provisional).
new 29 "11-02 08:32" jonas -s "The door intercom doesn't ring at the front desk" -c technical -p high \
    --field device=phone --field location=front-office --tag phones \
    -m "Two clients waited outside this morning: the intercom handset at the front desk no longer rings when someone presses the street-door button. The door release button still works."
tk "11-02 08:41" jonas reply 29 \
    -m "It does ring in the back office (Helena heard it), so it's only the handset at the front desk. I've put a sign on the street door with the reception phone number for now."

# Meanwhile, in the back office.
cd "$TRACKER"
new 29 "11-02 08:47" priya -s "Meeting-room screen shows \"no signal\" from my laptop" -c technical -p high \
    --field device=other --field location=meeting-room --tag meeting-room \
    -m "I'm setting up for the 10:00 team meeting and the meeting-room screen shows *No signal* when I plug in my laptop. The HDMI cable is the one that's always there."
tk "11-02 08:48" priya sync

# Jonas syncs second: the server already has a TKT029, so his becomes TKT030.
cd "$RECEPTION"
tk "11-02 08:55" jonas sync
grep -q "Renumbered TKT029 → TKT030" "$LOG" || {
    echo "make-example-repo: the reception clone's sync did not renumber TKT029 to TKT030" >&2
    exit 1
}

# Tomás, in the back office, gets both tickets, answers them and pushes.
cd "$TRACKER"
tk "11-02 09:05" tomas sync
tk "11-02 09:12" tomas reply 29 \
    -m "Someone had switched the screen to its second input. It's back on HDMI 1 and shows my laptop; try yours."
tk "11-02 09:13" tomas resolve 29 --solution "The meeting-room screen had been switched to its second input. Back on HDMI 1 with its remote (Input › HDMI 1); the laptop shows again."
tk "11-02 09:20" tomas reply 30 \
    -m "The handset's ringer volume had been turned to zero. It's back up and I rang it from the street door twice. Can you take the sign down and tell me if it misses a call today?"
tk "11-02 09:21" tomas sync

# ---------------------------------------------------------------------------
# Mon 2 November, later: Helena switches on email. Mail to the helpdesk's
# address becomes tickets and replies (`tkt mail import`, run on the office
# server by the mail system), and `tkt notify send` (from cron) mails the
# acknowledgments, replies and notices. Outgoing mail lands in the clone's
# outbox folder until a mail server is configured under `transport:`.

cat >>helpdesk.yaml <<'EOF'

# Email in and out (README "Email", docs/FORMAT.md): who may register by
# mail follows the web rule above (the practice's own addresses); rules
# route new tickets; operators hear of new tickets at once, Helena once a
# day; nobody is told of their own action and internal notes never leave.
mail:
  address: helpdesk@example.org
  name: O&L Helpdesk
  import:
    category: other     # mail no rule routes
    refused: reply      # strangers are told this helpdesk is for staff
    rules:
      - name: printers and scanners
        match: { subject: { regex: "(?i)print|scan|toner|paper jam" } }
        set: { category: technical, tags: [printer], fields: { device: printer } }
      - name: supplier newsletters
        match: { from: "@news.officesupplies.example" }
        drop: true
  notify:
    new_tickets:
      - { to: responsible, every: immediately }
      - { to: [helena], every: 1d }
    unanswered: { after: 4h }
    sla: true
EOF
commit_as "11-02 09:40" helena "Email: take mail at helpdesk@example.org and notify by mail" helpdesk.yaml

# The mails, as the mail system hands them over.
mkdir -p "$FILES/mail"
{
    printf 'From: Priya Nair <priya.nair@example.org>\r\nTo: O&L Helpdesk <helpdesk@example.org>\r\n'
    printf 'Cc: Jonas Weber <jonas.weber@example.org>\r\n'
    printf 'Subject: Printer on the first floor prints blank pages\r\n'
    printf 'Message-ID: <CAPriya-20261102-1010@mail.example.org>\r\n'
    printf 'Date: Mon, 02 Nov 2026 10:10:00 +0000\r\nMIME-Version: 1.0\r\n'
    printf 'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
    printf -- '--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
    printf 'Hello,\r\n\r\nthe printer by the first-floor kitchen prints blank pages since this\r\nmorning: the paper comes out, but empty or with faint streaks (photo of a\r\ntest page attached). I need to print the Osei bundle by 3 pm.\r\n\r\nPriya\r\n\r\n'
    printf -- '--b1\r\nContent-Type: image/png; name="test-page.png"\r\nContent-Disposition: attachment; filename="test-page.png"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    base64 -w 76 "$FILES/test-page-streaks.png" | sed 's/$/\r/'
    printf -- '--b1--\r\n'
} >"$FILES/mail/01-printer.eml"
tk "11-02 10:12" helena mail import "$FILES/mail/01-printer.eml"
[[ -f tickets/TKT031/ticket.md ]] || { echo "make-example-repo: the printer mail did not become TKT031" >&2; exit 1; }
uid=$(sed -n 's/^uid: //p' tickets/TKT031/ticket.md)

tk "11-02 10:31" tomas reply 31 --status waiting-on-requester \
    -m "Thanks, Priya. Is it every page, or only some? And does the display show a toner warning?"

# Priya answers from her mail program: her answer threads onto TKT031 by
# its headers (tkt's own Message-IDs name the ticket), the quote under it
# is trimmed and kept as quoted-history.txt, and the ticket is back in
# progress.
cat >"$FILES/mail/02-answer.eml" <<EOF
From: Priya Nair <priya.nair@example.org>
To: O&L Helpdesk <helpdesk@example.org>
Subject: Re: [TKT031] Printer on the first floor prints blank pages
Message-ID: <CAPriya-20261102-1044@mail.example.org>
In-Reply-To: <tkt.$uid.ack@example.org>
References: <CAPriya-20261102-1010@mail.example.org> <tkt.$uid.ack@example.org>
Date: Mon, 02 Nov 2026 10:44:00 +0000
Content-Type: text/plain; charset=utf-8

Every page. The display says "Toner low (black)", but it has said that
for weeks.

On Mon, 2 Nov 2026 at 10:31, O&L Helpdesk <helpdesk@example.org> wrote:
> Thanks, Priya. Is it every page, or only some? And does the display
> show a toner warning?
EOF
tk "11-02 10:45" helena mail import "$FILES/mail/02-answer.eml"

# Jonas was copied; his mail threads onto the ticket too, but he is not
# its requester, so it becomes an internal note flagged for review.
cat >"$FILES/mail/03-jonas.eml" <<EOF
From: Jonas Weber <jonas.weber@example.org>
To: O&L Helpdesk <helpdesk@example.org>
Cc: Priya Nair <priya.nair@example.org>
Subject: Re: Printer on the first floor prints blank pages
Message-ID: <JW-20261102-1052@mail.example.org>
In-Reply-To: <CAPriya-20261102-1010@mail.example.org>
Date: Mon, 02 Nov 2026 10:52:00 +0000
Content-Type: text/plain; charset=utf-8

There are two new black toner cartridges in the supplies cupboard at
reception, if that helps.
EOF
tk "11-02 10:53" helena mail import "$FILES/mail/03-jonas.eml"

# A supplier's newsletter: dropped by the rule, nothing committed.
cat >"$FILES/mail/04-newsletter.eml" <<'EOF'
From: Office Supplies Direct <offers@news.officesupplies.example>
To: helpdesk@example.org
Subject: November offers: 20% off toner
Message-ID: <nl-2026-11@news.officesupplies.example>
Date: Mon, 02 Nov 2026 10:58:00 +0000
List-Unsubscribe: <mailto:unsubscribe@news.officesupplies.example>
Content-Type: text/plain; charset=utf-8

This month only: 20% off all toner cartridges.
EOF
tk "11-02 10:59" helena mail import "$FILES/mail/04-newsletter.eml"

tk "11-02 11:20" tomas action add 31 "Replace the black toner cartridge (spare from reception)" --done
tk "11-02 11:22" tomas resolve 31 --solution "The black toner cartridge was empty; the low-toner warning had been showing for weeks and was ignored. Replaced it with a spare from reception and printed a clean test page. Ordered two more spares."

# ---------------------------------------------------------------------------
# Publish: the tracker's files, without its .git, become example-repo/.
# They are checked in the tracker, where git tracks them all: under tkt's
# own repository the fresh copies are not committed yet, which `tkt check`
# would rightly report.

"$TKT" check --dir "$TRACKER"
cd "$ROOT"
rm -rf example-repo
mkdir example-repo
cp -R "$TRACKER/." example-repo/
rm -rf example-repo/.git

echo "make-example-repo: example-repo/ rebuilt ($(ls example-repo/tickets | grep -c '^TKT') tickets, $(git -C "$TRACKER" rev-list --count HEAD) commits in the temporary history)." >&2
