"""More questions about the default article (issue 14): open questions with the key sentences a
complete answer rests on (exact quotes), adversarial unanswerables written the SQuAD 2.0 way (same
topic, one changed entity/date/negation, a plausible wrong answer present), and multi-part questions
with which parts the article answers. `eval/build_questions.py` adds them and splits dev/test."""

from __future__ import annotations

# (question, key sentences: exact quotes of the article)
OPEN = [
    ("Why did South Korea say its destroyer was using radar?",
     ["The ROK Ministry of Defense denied Japan’s allegation, saying that it was not operating the fire-control radar "
      "but rather was tracking a distressed North Korean fishing boat at that time."]),
    ("What happened between the Japanese and South Korean militaries in December 2018?",
     ["In December 2018, tensions flared up between Japan and South Korea after an incident",
      "Japan claimed that a South Korean naval destroyer had directed its fire-control radar at an "
      "MSDF patrol aircraft"]),
    ("Why is the deal between Seoul and Tokyo significant?",
     ["The deal between Seoul and Tokyo is significant for several reasons.",
      "First, it signals the growing strategic convergence between Tokyo and Seoul"]),
    ("How will the deal reduce the risk of mishaps between the two militaries?",
     ["Third, the deal established a framework that will create rules of engagement and reduce the "
      "risk of future mishaps",
      "Specifically, the two defense ministers agreed to improve radio communication procedures"]),
    ("What did the two governments agree to in the deal?",
     ["In it, the two governments agreed to resume defense exchanges"]),
    ("How did South Korea respond to Japan's radar allegation?",
     ["The ROK Ministry of Defense denied Japan’s allegation",
      "Instead, the South Korean side accused the Japanese aircraft of making a dangerous low "
      "flyover of its navy vessel."]),
    ("Why does the article say the security networks in the region are not just a product of U.S. policy?",
     ["Second, the agreement affirms that the deepening networks of security cooperation across the region are organic",
      "Japan and South Korea have sent a powerful message that like-minded partners are coming together"]),
    ("What does the joint statement say about bilateral security cooperation?",
     ["The joint statement issued after the meeting includes this remarkable line"]),
    ("How does the article contrast the China-Japan-ROK summit with cooperation among Japan, South Korea, and the "
     "United States?",
     ["The juxtaposition of these two events clearly shows that while the China-Japan-ROK trilateral summit called "
      "for lofty cooperation goals"]),
    ("Why had bilateral defense ties remained frozen despite the progress in relations?",
     ["this issue has remained unresolved, and bilateral defense ties have remained frozen"]),
    ("What risks to the improvement in relations does the article mention?",
     ["Difficult issues remain, and different leaders in both countries could choose to reverse these gains",
      "Events over the last year do not erase the long history of challenges in Japan–South Korea relations."]),
    ("How are the leaders of Japan and South Korea faring politically at home?",
     ["Neither Kishida nor Yoon win much praise for these policies"]),
    ("Why does the article praise the two leaders?",
     ["But the two leaders are pursuing policies in the national interest, which is the definition of leadership."]),
    ("What other diplomatic activity took place around the time of the Shangri-La Dialogue?",
     ["On May 31, Deputy Secretary of State Kurt Campbell hosted his Japanese and South Korean counterparts",
      "Plans are afoot for another leaders’ meeting"]),
    ("How did the agreement come about?",
     ["The subject of intense, quiet negotiations for months, the agreement is a breakthrough"]),
    ("What does the article say about the strategic foundation for cooperation between the two countries?",
     ["But the strategic foundation for cooperation between the two countries has arguably never "
      "been broader or deeper"]),
    ("Why did the agreement go almost unnoticed in the Western press?",
     ["Despite the usual focus on U.S.-China relations at the Shangri-La Dialogue"]),
    ("What steps did the ministers take to avoid misunderstandings at sea?",
     ["Specifically, the two defense ministers agreed to improve radio communication procedures",
      "In addition, both sides agreed to adhere to the Code for Unplanned Encounters at Sea"]),
    ("How does the cooperation between Japan and South Korea go beyond the North Korean threat?",
     ["First, it signals the growing strategic convergence between Tokyo and Seoul"]),
    ("What message have Japan and South Korea sent at a time of uncertainty about U.S. engagement?",
     ["Japan and South Korea have sent a powerful message that like-minded partners are coming together"]),
    ("Explain the outcome of the meeting between the defense ministers at the Shangri-La Dialogue.",
     ["South Korean defense minister Shin Won-sik and Japanese defense minister Kihara Minoru reached an agreement"]),
    ("How is cooperation among Japan, South Korea, and the United States progressing?",
     ["cooperation among Japan, South Korea, and the United States is achieving concrete and practical outcomes",
      "Even as the defense ministers met in Singapore, bilateral and trilateral ties were advancing on other fronts."]),
    ("What does each new agreement between the two countries mean for future leaders?",
     ["each new step forward, raises the cost to future leaders of regression"]),
    ("Why does the article call the agreement a breakthrough?",
     ["the agreement is a breakthrough that further reinforces the new era in bilateral ties"]),
    ("What did Japan claim happened during the radar incident?",
     ["Japan claimed that a South Korean naval destroyer had directed its fire-control radar at an "
      "MSDF patrol aircraft"]),
    ("Why do the two militaries need better communication procedures at sea?",
     ["which often operate in close proximity to one another",
      "to avert any misunderstanding about their intent when two countries have an unplanned encounter at sea"]),
]

# Same topic as an answerable question, one thing changed; the article's answer to the original is a
# plausible wrong answer.
ADVERSARIAL = [
    "On what date did the North Korean and Japanese defense ministers reach their agreement?",
    "Who was the North Korean defense minister who reached the agreement?",
    "Since what year had defense ties between Japan and Taiwan been on ice?",
    "When did tensions flare up between Japan and Russia over the radar incident?",
    "What did China claim the South Korean destroyer had done?",
    "What kind of Russian aircraft was involved in the radar incident?",
    "Why did the ROK Ministry of Defense say its submarine was using sonar?",
    "Where was the trilateral summit held last October?",
    "At what level will the regular dialogue between China and Japan be held?",
    "In what year were the guidelines of the Code for Unplanned Encounters in the Air established?",
    "When was the China-Japan-US trilateral summit held?",
    "How many days after the Camp David summit did the defense agreement come?",
    "Who hosted his Chinese and Russian counterparts for a retreat on May 31?",
    "Where was Lloyd Austin's retreat with his Philippine counterpart held?",
    "Who is the China Chair at CSIS?",
    "What did the two governments agree not to resume?",
    "Which code did both sides refuse to adhere to?",
    "What did the South Korean side accuse the Chinese aircraft of doing?",
    "When is the NATO summit in Tokyo?",
    "What phrase did Secretary of State Blinken use in his Shangri-La speech?",
    "What did Kishida's party win in the April 2023 election?",
    "Who hosted the retreat in rural Virginia on June 31?",
]

# (question, which parts the article answers)
MULTI = [
    ("Who hosted the retreat on May 31, where was it held, and what is the population of Seoul?", [True, True, False]),
    ("When did the defense ministers reach their agreement, and where?", [True]),
    ("Who is the Japan Chair at CSIS, and who is the Korea Chair?", [True, True]),
    ("What did Japan claim the destroyer had done? What did South Korea accuse the aircraft of?", [True, True]),
    ("Where was the trilateral summit held last August, and what is the name of the South Korean destroyer?",
     [True, False]),
    ("When was the China-Japan-ROK summit held, and what did it call for?", [True, True]),
    ("Which code did both sides agree to adhere to, and in what year were its guidelines established?", [True, True]),
    ("Who was the U.S. secretary of defense at the Shangri-La Dialogue, and how many troops does the United States "
     "station in South Korea?", [True, False]),
    ("What did Yoon suffer in April? Who won the 2022 South Korean presidential runoff against him?", [True, False]),
    ("What did the two governments agree to resume, and at what level will the regular dialogue be held?",
     [True, True]),
    ("When is the NATO summit in Washington, and what is the capital of Australia?", [True, False]),
    ("What does CSIS stand for? When was CSIS founded?", [True, False]),
]
