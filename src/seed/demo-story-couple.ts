import { makeClient, openCase } from './demo-case';
import { CLIENT, goalWithCheckIns, held, member, newClient, schedule } from './demo-story';
import type { StoryContext } from './demo-story';

/**
 * A couple rebuilding trust after an affair (Elena and Tomás Marsh), seen by Sam, a trainee whose
 * notes need Morgan's co-signature, with Jordan as co-therapist. Both partners are clients, in one
 * couple case whose sessions (and their notes) show in both charts. Tomás's promises of openness keep
 * slipping (low reliability); a phones-and-privacy agreement waits for his acknowledgment; one of
 * Sam's notes waits for Morgan, another came back with a comment.
 */
export async function seedCoupleStory({ cast, cal }: StoryContext): Promise<void> {
  const { trainee: sam, counselor: jordan, supervisor: morgan } = cast;
  const elena = await newClient(sam, {
    firstName: 'Elena',
    lastName: 'Marsh',
    dateOfBirth: '1986-02-03',
    pronouns: 'she/her',
    presentingConcerns: ['trust_after_betrayal', 'communication'],
    trustIndicators: ['suspicion', 'jealousy_possessiveness', 'avoidance_of_intimacy'],
    coTherapist: jordan,
    family: [
      {
        firstName: 'Tomás',
        lastName: 'Marsh',
        relationship: 'spouse',
        participation: 'participating',
        consentToContact: true,
      },
    ],
  });
  const [tomas] = elena.family as [string];
  const couple = [CLIENT, member(tomas)];
  const marshes = await openCase(sam, {
    type: 'couple',
    label: 'Marsh couple',
    presentingReason: 'Rebuilding trust after Tomás’s affair.',
    openedOn: cal.day(-56),
    coTherapist: jordan,
    members: [
      { clientId: elena.id, role: 'partner' },
      { familyMemberId: tomas, role: 'partner' },
    ],
  });
  const [elenaPerson, tomasPerson] = marshes.persons as [string, string];
  const tomasClient = await makeClient(sam, marshes.id, tomasPerson, '1984-10-17');
  await sam.post(`/clients/${tomasClient}/care-team`, { staffId: jordan.id, role: 'co_therapist' });
  const bothCame = { [elenaPerson]: 'attended', [tomasPerson]: 'attended' } as const;
  const session = {
    clientId: elena.id,
    caseId: marshes.id,
    counselor: sam,
    coTherapist: jordan,
    modality: 'couple',
  } as const;

  await schedule(cal, { ...session, startsAt: cal.at(0, '18:00'), setting: 'telehealth' });
  await schedule(cal, { ...session, startsAt: cal.at(3, '18:00'), setting: 'in_person' });

  const returned = await held(
    cal,
    { ...session, startsAt: cal.at(-9, '18:00'), setting: 'in_person' },
    couple,
    bothCame,
  );
  await sam.post(`/therapy-sessions/${returned}/note`, {
    format: 'soap',
    content: {
      subjective:
        'Elena: "I check his phone because I cannot stop myself." Tomás: wants to move on.',
      objective: 'Both tense at first; Elena cried when describing the discovery.',
      assessment: 'Early stage of repair; Tomás minimises, Elena hyper-vigilant.',
      plan: 'Weekly transparency check-ins.',
    },
    riskLevel: 'none',
  });
  await sam.post(`/therapy-sessions/${returned}/note/sign`);
  await morgan.post(`/therapy-sessions/${returned}/note/return`, {
    comment:
      'Please add the risk screen you did at the start, and what each partner agreed to try this week.',
  });

  const awaiting = await held(
    cal,
    { ...session, startsAt: cal.at(-2, '18:00'), setting: 'in_person' },
    couple,
    bothCame,
  );
  await sam.post(`/therapy-sessions/${awaiting}/note`, {
    format: 'soap',
    content: {
      subjective:
        'Elena found deleted messages again; Tomás says he panicked, not that he hid anything.',
      objective: 'Tomás defensive at first, then apologised without qualifying it.',
      assessment: 'The deletions undo the transparency that was building; the apology was a first.',
      plan: 'Revisit the phones-and-privacy agreement; Tomás to acknowledge it next session.',
    },
    riskLevel: 'none',
  });
  await sam.post(`/therapy-sessions/${awaiting}/note/sign`);

  await goalWithCheckIns(
    sam,
    elena.id,
    {
      parties: couple,
      strategy: 'open_and_honest_communication',
      description:
        'Elena can ask about Tomás’s day and get a straight answer, without it turning into a fight.',
      baselineRating: 2,
      targetRating: 7,
      startDate: cal.day(-56),
      targetDate: cal.day(120),
    },
    [
      [-49, 3, 6, 1, 0],
      [-35, 4, 6, 1, 0],
      [-21, 4, 5, 1, 2],
      [-14, 3, 5, 0, 2],
      [-7, 3, 5, 1, 2, 'Messages deleted again; Tomás said he panicked.'],
    ].map(([days, e, t, kept, missed, note]) => ({
      occurredAt: cal.at(days as number, '19:30'),
      ratings: [
        [CLIENT, e as number],
        [member(tomas), t as number],
      ],
      kept: kept as number,
      missed: missed as number,
      note: note as string | undefined,
    })),
    {
      owner: member(tomas),
      description:
        'Answer Elena’s questions about his day plainly, and hand over his phone when she asks.',
      cadence: 'weekly',
    },
  );

  const agreement = await sam.post<{ id: string }>(`/clients/${elena.id}/boundary-agreements`, {
    title: 'Phones and privacy',
    parties: couple,
    facilitatorId: sam.id,
    items: [
      {
        category: 'digital_privacy',
        setBy: CLIENT,
        boundary: 'No deleting messages; phones stay unlocked at home for now.',
        expectation: 'If something would hurt me, tell me before I find it.',
        responseIfCrossed: 'We pause and bring it to the next session rather than fight at home.',
      },
      {
        category: 'communication',
        setBy: member(tomas),
        boundary:
          'Questions about the affair go to Thursday evenings or sessions, not every night.',
        expectation: 'Thursday evening is for questions, and I answer them.',
        responseIfCrossed: 'I say "Thursday", and Elena writes the question down.',
      },
    ],
  });
  const at = `/clients/${elena.id}/boundary-agreements/${agreement.id}`;
  await sam.post(`${at}/status`, { status: 'proposed' });
  await sam.post(`${at}/acknowledgments`, {
    party: CLIENT,
    method: 'in_session',
    acknowledgedAt: cal.at(-2, '18:45'),
  });
}
