import { CLIENT, goalWithCheckIns, held, member, newClient, schedule } from './demo-story';
import type { StoryContext } from './demo-story';

/**
 * A family after a loss (Samuel Nguyễn, his mother Linh and sister Thu, a year after his father
 * Minh died), with Jordan and Sam leading the family sessions. Their goal of Sunday dinners
 * together again was achieved this week; Sam still has yesterday's note to finish.
 */
export async function seedLossStory({ cast, cal }: StoryContext): Promise<void> {
  const { counselor: jordan, trainee: sam } = cast;
  const samuel = await newClient(jordan, {
    firstName: 'Samuel',
    lastName: 'Nguyễn',
    dateOfBirth: '2001-12-05',
    pronouns: 'he/him',
    presentingConcerns: ['grief', 'communication'],
    trustIndicators: ['difficulty_opening_up'],
    coTherapist: sam,
    family: [
      {
        firstName: 'Linh',
        lastName: 'Nguyễn',
        relationship: 'mother',
        participation: 'participating',
      },
      {
        firstName: 'Thu',
        lastName: 'Nguyễn',
        relationship: 'sibling',
        participation: 'participating',
      },
      {
        firstName: 'Minh',
        lastName: 'Nguyễn',
        relationship: 'father',
        participation: 'no_contact',
        deceased: true,
        deceasedOn: cal.day(-380),
      },
    ],
  });
  const [linh, thu] = samuel.family as [string, string];
  const family = {
    clientId: samuel.id,
    counselor: sam,
    coTherapist: jordan,
    modality: 'family',
  } as const;
  await schedule(cal, { ...family, startsAt: cal.at(0, '13:00'), setting: 'telehealth' });
  await schedule(cal, { ...family, startsAt: cal.at(5, '17:00'), setting: 'in_person' });
  const yesterday = await held(
    cal,
    { ...family, startsAt: cal.at(-1, '17:00'), setting: 'in_person' },
    [CLIENT, member(linh), member(thu)],
  );
  await sam.post(`/therapy-sessions/${yesterday}/note`, {
    format: 'birp',
    content: {
      behavior: 'Samuel spoke about his father for the first time without leaving the room.',
      intervention: 'Memory-sharing exercise; each chose one story about Minh.',
    },
  });
  const noShow = await schedule(cal, {
    ...family,
    startsAt: cal.at(-10, '17:00'),
    setting: 'telehealth',
  });
  await sam.post(`/therapy-sessions/${noShow}/no-show`);

  const goal = await goalWithCheckIns(
    jordan,
    samuel.id,
    {
      parties: [CLIENT, member(linh)],
      strategy: 'quality_time',
      description: 'Sunday dinners together again, with a place set for Minh on his birthday.',
      baselineRating: 3,
      targetRating: 7,
      startDate: cal.day(-120),
      targetDate: cal.day(30),
    },
    [
      [-84, 4, 3],
      [-56, 5, 5],
      [-28, 6, 6],
      [-14, 7, 7],
      [-4, 8, 8],
    ].map(([days, s, l]) => ({
      occurredAt: cal.at(days!, '18:00'),
      ratings: [
        [CLIENT, s!],
        [member(linh), l!],
      ],
    })),
  );
  await jordan.post(`/clients/${samuel.id}/trust-goals/${goal}/status`, {
    achievementStatus: 'achieved',
    reason: 'Five Sunday dinners in a row, and Minh’s birthday marked together.',
  });
}
