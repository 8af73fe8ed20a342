"""Writes the hand-written question sets about the default article: qa/data/questions.jsonl (all rows,
the Evaluate tab's default) and its two halves qa/data/eval/article-dev.jsonl (tune here) and
article-test.jsonl (report only).

Each row: id, type, split, question, answers (acceptable short answers; [] = the article does not say),
evidence (an exact quote of the source sentence), optional history, key_sentences (open questions:
exact quotes a complete answer cites) and parts (multi-part: which parts the article answers). Rows
alternate dev/test within each type. Run it after editing the lists; it refuses to write a row whose
evidence or key sentence is not an exact substring of the article.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = (ROOT / "qa" / "data" / "south-korea-japan-security-ties.txt").read_text(encoding="utf-8")

Q = [
    # --- facts, dates, names -----------------------------------------------------------------
    ("date", "On what date did the South Korean and Japanese defense ministers reach their agreement?",
     ["June 1, 2024"], "on June 1, 2024, South Korean defense minister Shin Won-sik and Japanese defense minister Kihara Minoru reached an agreement"),
    ("name", "Who was the South Korean defense minister who reached the agreement?", ["Shin Won-sik"],
     "South Korean defense minister Shin Won-sik"),
    ("name", "Who is Japan's defense minister in the article?", ["Kihara Minoru"],
     "Japanese defense minister Kihara Minoru"),
    ("fact", "At which event did the two defense ministers reach the agreement?", ["Shangri-La Dialogue"],
     "reached an agreement on the margins of the Shangri-La Dialogue in Singapore"),
    ("fact", "In which city was the Shangri-La Dialogue held?", ["Singapore"],
     "the Shangri-La Dialogue in Singapore"),
    ("date", "Since what year had bilateral defense ties between South Korea and Japan been on ice?", ["2018"],
     "which have been essentially on ice since 2018"),
    ("name", "Who was the U.S. secretary of defense at the Shangri-La Dialogue?", ["Lloyd Austin"],
     "U.S. secretary of defense Lloyd Austin"),
    ("fact", "What does the article call the most significant outcome from the Shangri-La Dialogue?",
     ["the announcement", "this announcement", "normalize bilateral defense ties"],
     "this announcement was easily the most significant outcome from the event"),
    ("date", "When did tensions flare up between Japan and South Korea over the radar incident?", ["December 2018"],
     "In December 2018, tensions flared up between Japan and South Korea"),
    ("fact", "Which two forces were involved in the December 2018 incident?",
     ["Japan Maritime Self-Defense Force", "Republic of Korea Navy"],
     "an incident between the Japan Maritime Self-Defense Force (MSDF) and the Republic of Korea Navy (ROKN)"),
    ("fact", "What did Japan claim the South Korean destroyer had done?", ["fire-control radar"],
     "Japan claimed that a South Korean naval destroyer had directed its fire-control radar at an MSDF patrol aircraft"),
    ("fact", "What kind of Japanese aircraft was involved in the radar incident?", ["patrol aircraft", "MSDF patrol aircraft"],
     "an MSDF patrol aircraft conducting a surveillance operation near the Korean Peninsula"),
    ("fact", "In which body of water did the 2018 radar incident take place?", ["East Sea/Sea of Japan", "Sea of Japan", "East Sea"],
     "near the Korean Peninsula in the East Sea/Sea of Japan"),
    ("why", "Why did the ROK Ministry of Defense say its destroyer was using radar?",
     ["tracking a distressed North Korean fishing boat", "distressed North Korean fishing boat"],
     "it was not operating the fire-control radar but rather was tracking a distressed North Korean fishing boat at that time"),
    ("fact", "What did the South Korean side accuse the Japanese aircraft of doing?", ["dangerous low flyover", "low flyover"],
     "the South Korean side accused the Japanese aircraft of making a dangerous low flyover of its navy vessel"),
    ("fact", "Where was the trilateral summit held last August?", ["Camp David"],
     "the remarkable trilateral summit at Camp David last August"),
    ("fact", "What did the two governments agree to resume?", ["defense exchanges"],
     "the two governments agreed to resume defense exchanges"),
    ("fact", "At what level will the regular dialogue under the agreement be held?", ["vice minister level", "vice minister"],
     "a regular dialogue at the vice minister level"),
    ("fact", "How long were the negotiations that led to the agreement?", ["months"],
     "The subject of intense, quiet negotiations for months"),
    ("fact", "What has long been the primary basis for security cooperation between Japan and South Korea?",
     ["the North Korean threat", "North Korean threat"],
     "a common response to the North Korean threat—which has long been the primary basis for security cooperation between the two countries"),
    ("fact", "According to the joint statement, what is bilateral security cooperation the foundation of?",
     ["Japan-ROK-U.S. security cooperation"],
     "is the foundation of Japan-ROK-U.S. security cooperation"),
    ("fact", "According to the joint statement, what is the cooperation indispensable to realizing?",
     ["a free and open Indo-Pacific", "free and open Indo-Pacific"],
     "is indispensable to realizing a free and open Indo-Pacific"),
    ("fact", "Whose translation of the joint statement does the article quote?", ["authors’ translation", "the authors"],
     "(authors’ translation)"),
    ("fact", "What does the article say the statement's language is the closest the two governments have come to?",
     ["a joint security declaration", "joint security declaration"],
     "This language is the closest the two governments have come to a joint security declaration"),
    ("fact", "What phrase did Secretary of Defense Austin use in his Shangri-La speech?", ["new convergence"],
     "a “new convergence” around shared principles, as Secretary of Defense Austin put it in his speech"),
    ("why", "What does the agreement affirm about the networks of security cooperation across the region?",
     ["organic", "not simply an artifact of U.S. policy"],
     "the agreement affirms that the deepening networks of security cooperation across the region are organic—and not simply an artifact of U.S. policy"),
    ("fact", "What clouds the future of U.S. engagement in the region?", ["political uncertainty in the United States"],
     "political uncertainty in the United States clouds the future of U.S. engagement in the region"),
    ("how", "How did the defense ministers agree to avert misunderstandings at sea?",
     ["improve radio communication procedures", "radio communication procedures"],
     "the two defense ministers agreed to improve radio communication procedures between naval vessels and aircraft"),
    ("fact", "Which code did both sides agree to adhere to?", ["Code for Unplanned Encounters at Sea"],
     "both sides agreed to adhere to the Code for Unplanned Encounters at Sea"),
    ("date", "In what year were the guidelines of the Code for Unplanned Encounters at Sea established?", ["2014"],
     "a set of guidelines established by key countries in the region in 2014"),
    ("date", "When was the China-Japan-ROK trilateral summit held?", ["May 26–27", "May 26-27"],
     "the China-Japan-ROK trilateral summit on May 26–27"),
    ("fact", "How many days after the China-Japan-ROK summit did the defense agreement come?", ["six days", "six"],
     "the agreement came just six days after the China-Japan-ROK trilateral summit"),
    ("fact", "What cooperation goal did the China-Japan-ROK summit call for?", ["a trilateral free trade agreement", "trilateral free trade agreement"],
     "called for lofty cooperation goals like a trilateral free trade agreement"),
    ("name", "Who hosted his Japanese and South Korean counterparts for a retreat on May 31?", ["Kurt Campbell"],
     "On May 31, Deputy Secretary of State Kurt Campbell hosted his Japanese and South Korean counterparts"),
    ("fact", "Where was Kurt Campbell's retreat with his Japanese and South Korean counterparts held?", ["rural Virginia", "Virginia"],
     "for an intimate retreat in rural Virginia"),
    ("date", "On what date did Kurt Campbell host the retreat?", ["May 31"],
     "On May 31, Deputy Secretary of State Kurt Campbell hosted"),
    ("fact", "Where might another leaders' meeting take place?", ["NATO summit", "the margins of the NATO summit in Washington"],
     "perhaps on the margins of the NATO summit in Washington in July"),
    ("date", "When is the NATO summit in Washington?", ["July"],
     "the NATO summit in Washington in July"),
    ("name", "Which two national leaders are pursuing these policies despite domestic unpopularity?", ["Kishida", "Yoon"],
     "Neither Kishida nor Yoon win much praise for these policies"),
    ("fact", "What did Yoon suffer in April?", ["a major midterm election defeat", "midterm election defeat"],
     "the latter having suffered a major midterm election defeat in April"),
    ("fact", "Where does the article say the former leader is in the national polls?", ["on the ropes"],
     "the former on the ropes in the national polls"),
    ("fact", "What does the article call the definition of leadership?", ["pursuing policies in the national interest", "national interest"],
     "the two leaders are pursuing policies in the national interest, which is the definition of leadership"),
    ("why", "What could different leaders in both countries choose to do?", ["reverse these gains"],
     "different leaders in both countries could choose to reverse these gains in the pursuit of short-term political ends"),
    ("how", "How does the article describe the strategic foundation for cooperation between the two countries?",
     ["never been broader or deeper", "broader or deeper"],
     "the strategic foundation for cooperation between the two countries has arguably never been broader or deeper"),
    ("why", "What does each new agreement raise for future leaders?", ["the cost", "cost to future leaders of regression"],
     "raises the cost to future leaders of regression"),
    ("name", "Who is the Japan Chair at CSIS?", ["Christopher Johnstone"],
     "Christopher Johnstone is senior adviser and Japan Chair at the Center for Strategic and International Studies (CSIS)"),
    ("name", "Who is the Korea Chair at CSIS?", ["Victor Cha"],
     "Victor Cha is senior vice president for Asia and Korea Chair at CSIS"),
    ("fact", "What does CSIS stand for?", ["Center for Strategic and International Studies"],
     "the Center for Strategic and International Studies (CSIS)"),
    ("fact", "What is Victor Cha's title at CSIS?", ["senior vice president for Asia", "Senior Vice President for Asia and Korea Chair"],
     "Victor Cha is senior vice president for Asia and Korea Chair at CSIS"),
    ("fact", "How much attention did the agreement get in the Western press?", ["Almost unnoticed", "unnoticed"],
     "Almost unnoticed in the Western press"),
    # --- why / how / multi-sentence ------------------------------------------------------------
    ("why", "Why is the deal between Seoul and Tokyo significant?", ["strategic convergence", "several reasons"],
     "First, it signals the growing strategic convergence between Tokyo and Seoul"),
    ("how", "How will the framework established by the deal reduce the risk of future mishaps?", ["rules of engagement"],
     "the deal established a framework that will create rules of engagement and reduce the risk of future mishaps between the two militaries"),
    ("multi", "What does the juxtaposition of the two summits show about cooperation among Japan, South Korea, and the United States?",
     ["concrete and practical outcomes"],
     "cooperation among Japan, South Korea, and the United States is achieving concrete and practical outcomes at an accelerating pace"),
    ("multi", "What message have Japan and South Korea sent at a time of political uncertainty in the United States?",
     ["like-minded partners are coming together", "rules-based liberal order"],
     "Japan and South Korea have sent a powerful message that like-minded partners are coming together to uphold a rules-based liberal order"),
    ("why", "Why do the two militaries need rules of engagement?", ["operate in close proximity", "close proximity"],
     "which often operate in close proximity to one another"),
    # --- unanswerable ---------------------------------------------------------------------------
    ("unanswerable", "What is the population of Seoul?", [], None),
    ("unanswerable", "How many submarines does the Japan Maritime Self-Defense Force operate?", [], None),
    ("unanswerable", "Who won the 2022 South Korean presidential election runoff against Yoon?", [], None),
    ("unanswerable", "What was the budget of the Japanese defense ministry in 2024?", [], None),
    ("unanswerable", "Which hotel hosts the Shangri-La Dialogue every year?", [], None),
    ("unanswerable", "How many troops does the United States station in South Korea?", [], None),
    ("unanswerable", "What did Chinese defense minister Dong Jun say at the Shangri-La Dialogue?", [], None),
    ("unanswerable", "When was CSIS founded?", [], None),
    ("unanswerable", "What is the name of the South Korean destroyer involved in the 2018 incident?", [], None),
    ("unanswerable", "What trade tariffs did Japan impose on South Korea in 2019?", [], None),
    ("unanswerable", "What is the capital of Australia?", [], None),
    ("unanswerable", "How many votes did Kishida's party win in the last general election?", [], None),
    ("unanswerable", "Who is the president of France?", [], None),
    ("unanswerable", "What recipe does the article recommend for kimchi?", [], None),
]

FOLLOW_UPS = [
    ("Who reached an agreement at the Shangri-La Dialogue?", "Who was the Japanese one?", ["Kihara Minoru"],
     "Japanese defense minister Kihara Minoru"),
    ("What incident happened in December 2018?", "What did South Korea say it was doing at that time?",
     ["tracking a distressed North Korean fishing boat"],
     "it was not operating the fire-control radar but rather was tracking a distressed North Korean fishing boat at that time"),
    ("Who hosted a retreat in rural Virginia?", "When did he host it?", ["May 31"],
     "On May 31, Deputy Secretary of State Kurt Campbell hosted"),
    ("Which code did both sides agree to adhere to?", "When were those guidelines established?", ["2014"],
     "a set of guidelines established by key countries in the region in 2014"),
    ("When was the China-Japan-ROK trilateral summit?", "What goals did it call for?", ["a trilateral free trade agreement"],
     "called for lofty cooperation goals like a trilateral free trade agreement"),
    ("Who wrote the article?", "Where does Christopher Johnstone work?", ["Center for Strategic and International Studies", "CSIS"],
     "Christopher Johnstone is senior adviser and Japan Chair at the Center for Strategic and International Studies (CSIS)"),
    ("Which leaders are pursuing policies despite domestic unpopularity?", "What defeat did the latter suffer?",
     ["a major midterm election defeat", "midterm election defeat"],
     "the latter having suffered a major midterm election defeat in April"),
    ("What did the two governments agree to resume?", "At what level will their regular dialogue be held?",
     ["vice minister level"], "a regular dialogue at the vice minister level"),
]


def extra_rows() -> list[dict]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from article_sets import ADVERSARIAL, MULTI, OPEN

    out = [{"id": f"o{i:02d}", "type": "open", "question": q, "answers": [], "evidence": None,
            "key_sentences": keys} for i, (q, keys) in enumerate(OPEN, start=1)]
    for row in out:
        row["answers"] = [row["key_sentences"][0]]
        row["evidence"] = row["key_sentences"][0]
    out += [{"id": f"a{i:02d}", "type": "adversarial", "question": q, "answers": [], "evidence": None}
            for i, q in enumerate(ADVERSARIAL, start=1)]
    out += [{"id": f"m{i:02d}", "type": "multi-part", "question": q, "answers": ["(multi-part)"] if any(parts) else [],
             "evidence": None, "parts": parts} for i, (q, parts) in enumerate(MULTI, start=1)]
    return out


def rows() -> list[dict]:
    out = []
    for i, (kind, question, answers, evidence) in enumerate(Q, start=1):
        out.append({"id": f"q{i:02d}", "type": kind, "question": question, "answers": answers,
                    "evidence": evidence})
    for i, (first, question, answers, evidence) in enumerate(FOLLOW_UPS, start=1):
        out.append({"id": f"f{i:02d}", "type": "follow-up", "question": question, "answers": answers,
                    "evidence": evidence, "history": [{"role": "user", "content": first}]})
    out += extra_rows()
    seen: dict[str, int] = {}
    for row in out:  # alternate dev/test within each type
        n = seen[row["type"]] = seen.get(row["type"], -1) + 1
        row["split"] = "dev" if n % 2 == 0 else "test"
    for row in out:
        for key in row.get("key_sentences", []):
            assert key in ARTICLE, f"{row['id']}: key sentence is not an exact quote: {key!r}"
        ev = row["evidence"]
        assert ev is None or ev in ARTICLE, f"{row['id']}: evidence is not an exact quote: {ev!r}"
        assert ev is None or any(a in ev or a in ARTICLE for a in row["answers"]), row["id"]
        row.setdefault("key_sentences", [])
    return out


def write(path: Path, data: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data), encoding="utf-8")
    print(f"wrote {len(data)} questions to {path}")


if __name__ == "__main__":
    data_dir = Path(__file__).resolve().parent.parent / "qa" / "data"
    data = rows()
    write(data_dir / "questions.jsonl", data)
    for split in ("dev", "test"):
        write(data_dir / "eval" / f"article-{split}.jsonl", [r for r in data if r["split"] == split])
