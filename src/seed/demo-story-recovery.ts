import { makeClient, openCase } from './demo-case';
import { CLIENT, goalWithCheckIns, held, member, newClient, schedule } from './demo-story';
import type { CheckIn, StoryContext } from './demo-story';
import { seedOkaforCaseRecords } from './demo-story-okafor-case';

/** Maya's and Grace's ratings and the Sunday call kept or missed, one week apart. */
const WEEKS: [maya: number, grace: number, kept: number, note?: string][] = [
  [5, 3, 1, 'First week of Sunday calls. Grace guarded, Maya hopeful.'],
  [5, 3, 1],
  [6, 4, 1, 'Grace mentioned the call to a friend.'],
  [6, 4, 0, 'Missed call: a late shift, and no text to say so.'],
  [6, 5, 1],
  [7, 5, 1, 'Fourth call in a row since the missed one; Grace noticed.'],
  [6, 5, 1],
  [6, 5, 1],
  [7, 6, 1],
  [7, 6, 1],
  [7, 6, 1, 'Grace: "I am starting to believe the calls will come."'],
];

/**
 * A daughter in recovery and her mother (Maya and Grace Okafor), with Jordan (counselor) and Sam
 * (trainee, co-leading the family sessions). The Okafor family case holds them both as clients,
 * Maya's brother Chidi who comes to some of the family sessions, and their father Daniel who
 * declined; the family sessions are the case's, Maya's individual sessions stay in her own chart.
 * Months of Sunday calls rebuilding Grace's trust, a milestone this week, then a relapse three
 * days ago; the agreement on evenings, meetings and money crossed twice; a supervisor's emergency
 * access on the night of the relapse.
 */
export async function seedRecoveryStory({ cast, cal }: StoryContext): Promise<void> {
  const { counselor: jordan, trainee: sam } = cast;
  const maya = await newClient(jordan, {
    firstName: 'Maya',
    lastName: 'Okafor',
    dateOfBirth: '1999-06-14',
    pronouns: 'she/her',
    presentingConcerns: ['substance_use_recovery', 'parent_child_conflict'],
    trustIndicators: ['difficulty_opening_up'],
    substanceUseRecords: true,
    coTherapist: sam,
    family: [
      {
        firstName: 'Grace',
        lastName: 'Okafor',
        relationship: 'mother',
        participation: 'participating',
        consentToContact: true,
        emergencyContact: true,
      },
      {
        firstName: 'Daniel',
        lastName: 'Okafor',
        relationship: 'father',
        participation: 'declined',
      },
      {
        firstName: 'Chidi',
        lastName: 'Okafor',
        relationship: 'sibling',
        participation: 'participating',
        consentToContact: true,
      },
    ],
  });
  const [grace, daniel, chidi] = maya.family as [string, string, string];
  const both = [CLIENT, member(grace)];
  const okafors = await openCase(jordan, {
    type: 'family',
    label: 'Okafor family',
    presentingReason:
      'Maya’s recovery, and rebuilding trust with her mother Grace and her brother Chidi.',
    openedOn: cal.day(-84),
    coTherapist: sam,
    members: [
      { clientId: maya.id, role: 'identified_client' },
      { familyMemberId: grace, role: 'parent' },
      { familyMemberId: chidi, role: 'sibling' },
      { familyMemberId: daniel, role: 'parent', participation: 'declined' },
    ],
  });
  const [mayaPerson, gracePerson, chidiPerson] = okafors.persons as [string, string, string];
  // Grace came as Maya's mother and is now in treatment herself: her own chart, the same person.
  await makeClient(jordan, okafors.id, gracePerson, '1968-04-09');
  await seedOkaforCaseRecords(jordan, cal, okafors.id, {
    maya: mayaPerson,
    grace: gracePerson,
    chidi: chidiPerson,
  });
  const family = {
    clientId: maya.id,
    caseId: okafors.id,
    counselor: jordan,
    coTherapist: sam,
    modality: 'family',
  } as const;
  // Maya's individual sessions are hers, not the case's: their notes stay out of Grace's chart.
  const individual = { clientId: maya.id, counselor: jordan, modality: 'individual' } as const;

  // This week: the family session today, Maya alone by video on Wednesday-ish.
  await schedule(cal, { ...family, startsAt: cal.at(0, '16:00'), setting: 'in_person' });
  await schedule(cal, { ...individual, startsAt: cal.at(2, '10:00'), setting: 'telehealth' });

  // Held: three weeks ago with Chidi (note signed), a week ago (note signed, then an addendum),
  // five days ago (note overdue), yesterday Maya alone (note to write).
  const withChidi = await held(
    cal,
    { ...family, startsAt: cal.at(-22, '15:00'), setting: 'in_person' },
    both,
    { [mayaPerson]: 'attended', [gracePerson]: 'attended', [chidiPerson]: 'attended' },
  );
  await jordan.post(`/therapy-sessions/${withChidi}/note`, {
    format: 'dap',
    content: {
      data: 'Chidi joined for the first time. He spoke about the years he covered for Maya and how tired he is of being the go-between.',
      assessment:
        'Chidi carries messages between Maya and Grace; taking him out of that role lets the two of them talk directly.',
      plan: 'Maya and Grace speak to each other on the Sunday calls, not through Chidi. Chidi welcome at family sessions when he wants.',
    },
    interventions: ['family mapping', 'reflective listening'],
    riskLevel: 'low',
  });
  await jordan.post(`/therapy-sessions/${withChidi}/note/sign`);
  const weekAgo = await held(
    cal,
    { ...family, startsAt: cal.at(-8, '15:00'), setting: 'in_person' },
    both,
    { [mayaPerson]: 'attended', [gracePerson]: 'attended', [chidiPerson]: 'late' },
  );
  await jordan.post(`/therapy-sessions/${weekAgo}/note`, {
    format: 'dap',
    content: {
      data: 'Maya and Grace reviewed the Sunday calls: ten of eleven kept. Grace described feeling less on edge on Sunday evenings.',
      assessment:
        'Trust is rebuilding through consistency. Maya names cravings more openly; Grace listens without lecturing.',
      plan: 'Keep the Sunday calls. Review the money part of the agreement at the next session.',
    },
    interventions: ['reflective listening', 'relapse-prevention planning'],
    riskLevel: 'low',
  });
  await jordan.post(`/therapy-sessions/${weekAgo}/note/sign`);
  await jordan.post(`/therapy-sessions/${weekAgo}/note/addenda`, {
    text: 'Grace phoned the next morning to add that Maya had asked to borrow money after the session; she said no and pointed to the Sunday budget talk.',
  });
  await held(cal, { ...family, startsAt: cal.at(-5, '15:00'), setting: 'in_person' }, both, {
    [mayaPerson]: 'attended',
    [gracePerson]: 'attended',
    [chidiPerson]: 'absent',
  });
  await held(cal, { ...individual, startsAt: cal.at(-1, '15:00'), setting: 'in_person' }, [CLIENT]);
  const missed = await schedule(cal, {
    ...individual,
    startsAt: cal.at(-12, '15:00'),
    setting: 'telehealth',
  });
  await jordan.post(`/therapy-sessions/${missed}/no-show`);

  const checkIns: CheckIn[] = WEEKS.map(([m, g, kept, note], week) => ({
    occurredAt: cal.at(-77 + 7 * week, '19:00'),
    ratings: [
      [CLIENT, m],
      [member(grace), g],
    ],
    kept,
    missed: 1 - kept,
    note,
  }));
  checkIns.push({
    occurredAt: cal.at(-1, '19:00'),
    ratings: [
      [CLIENT, 4],
      [member(grace), 3],
    ],
    kept: 0,
    missed: 1,
    note: 'After the relapse: Grace hurt and wary; Maya ashamed, but she told Grace herself.',
  });
  const goals = `/clients/${maya.id}/trust-goals`;
  const goal = await goalWithCheckIns(
    jordan,
    maya.id,
    {
      parties: both,
      strategy: 'consistency_and_reliability',
      description:
        'Grace can count on Maya’s word again: the Sunday call happens when promised, and a missed one is explained, not hidden.',
      baselineRating: 3,
      targetRating: 7,
      startDate: cal.day(-84),
      targetDate: cal.day(98),
      priority: 'high',
    },
    checkIns,
    {
      owner: CLIENT,
      description: 'Call Mom every Sunday evening, and text ahead if the call cannot happen.',
      cadence: 'weekly',
    },
  );
  const reached = await jordan.post<{ id: string }>(`${goals}/${goal}/milestones`, {
    title: 'Four Sunday calls in a row',
    description: 'A month of calls that happened when promised.',
    targetDate: cal.day(-4),
  });
  await jordan.post(`${goals}/${goal}/milestones/${reached.id}/reach`, {
    reachedAt: cal.at(-6, '20:00'),
    celebrationNote:
      'Grace said she now looks forward to Sundays; Maya chose a dinner out together to celebrate.',
  });
  await jordan.post(`${goals}/${goal}/milestones`, {
    title: 'Sunday dinner at Maya’s apartment',
    description: 'Grace visits for dinner instead of a call.',
    targetDate: cal.day(21),
  });
  await jordan.post(`${goals}/${goal}/setbacks`, {
    kind: 'relapse',
    severity: 'major',
    occurredAt: cal.at(-3, '22:00'),
    description:
      'Maya drank at a friend’s party after 84 days sober and asked Grace for money the same night; she told Grace herself the next morning.',
    responsePlan:
      'Daily meetings with her sponsor for 30 days; a mid-week text to Grace after Wednesday’s meeting; next session on honest disclosure without blame.',
  });

  await seedAgreement({ cast, cal }, maya.id, grace);
  await cast.supervisor.post(`/clients/${maya.id}/emergency-access`, {
    reason:
      'Grace called the after-hours line the night of the relapse; Jordan was off shift and the plan had to be checked.',
  });
}

/** Evenings, meetings and money: agreed six weeks ago, crossed five days ago and on the night of the relapse. */
async function seedAgreement({ cast, cal }: StoryContext, clientId: string, grace: string) {
  const jordan = cast.counselor;
  const path = `/clients/${clientId}/boundary-agreements`;
  const agreement = await jordan.post<{ id: string; items: { id: string; category: string }[] }>(
    path,
    {
      title: 'Evenings, meetings and money',
      parties: [CLIENT, member(grace)],
      facilitatorId: jordan.id,
      reviewDate: cal.day(10),
      items: [
        {
          category: 'time',
          setBy: member(grace),
          boundary: 'No phone calls after 10 pm.',
          expectation: 'Text instead, unless it is a real emergency.',
          responseIfCrossed: 'The call goes unanswered; we talk about it at the next session.',
        },
        {
          category: 'communication',
          setBy: CLIENT,
          boundary: 'No questions about meetings unless I bring them up.',
          expectation: 'Ask how the week went instead.',
          responseIfCrossed: 'I say "not today" and we change the subject.',
        },
        {
          category: 'financial',
          setBy: member(grace),
          boundary: 'Money only through the plan we agreed on.',
          expectation: 'Requests go through the Sunday budget talk.',
          responseIfCrossed: 'No money outside the plan; we revisit the plan in session.',
        },
      ],
    },
  );
  const at = `${path}/${agreement.id}`;
  await jordan.post(`${at}/status`, { status: 'proposed' });
  for (const party of [CLIENT, member(grace)]) {
    await jordan.post(`${at}/acknowledgments`, {
      party,
      method: 'in_session',
      acknowledgedAt: cal.at(-42, '15:45'),
    });
  }
  await jordan.post(`${at}/status`, { status: 'active' });
  const item = (category: string) => agreement.items.find((i) => i.category === category)!.id;
  await jordan.post(`${at}/violations`, {
    itemId: item('time'),
    reportedBy: member(grace),
    occurredAt: cal.at(-5, '23:40'),
    severity: 'minor',
    description: 'Maya called at 11:40 pm after a hard day at work.',
    responseTaken:
      'Grace let it ring and texted in the morning; Maya apologised at the next session.',
  });
  await jordan.post(`${at}/violations`, {
    itemId: item('financial'),
    reportedBy: member(grace),
    occurredAt: cal.at(-3, '23:15'),
    severity: 'major',
    description: 'Maya asked Grace for money outside the plan on the night of the relapse.',
    responseTaken:
      'Grace said no and called the after-hours line; to be worked through in session.',
  });
}
