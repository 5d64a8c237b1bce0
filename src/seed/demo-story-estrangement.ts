import { openCase } from './demo-case';
import { CLIENT, goalWithCheckIns, member, newClient, schedule } from './demo-story';
import type { StoryContext } from './demo-story';

/**
 * An estranged adult son (Ruth Lindqvist and her son Jonah, who has not answered yet), with
 * Jordan, in an individual case: Ruth does the work alone for now. The goal with Jonah has gone quiet for a month (stalled); the one with her daughter Ada,
 * who stayed close, ran past its target date.
 */
export async function seedEstrangementStory({ cast, cal }: StoryContext): Promise<void> {
  const jordan = cast.counselor;
  const ruth = await newClient(jordan, {
    firstName: 'Ruth',
    lastName: 'Lindqvist',
    dateOfBirth: '1958-09-22',
    pronouns: 'she/her',
    presentingConcerns: ['estrangement', 'parent_child_conflict'],
    trustIndicators: ['difficulty_opening_up'],
    family: [
      { firstName: 'Jonah', lastName: 'Lindqvist', relationship: 'son', participation: 'invited' },
      {
        firstName: 'Ada',
        lastName: 'Lindqvist',
        relationship: 'daughter',
        participation: 'participating',
        consentToContact: true,
        emergencyContact: true,
      },
    ],
  });
  const [jonah, ada] = ruth.family as [string, string];
  const alone = await openCase(jordan, {
    type: 'individual',
    label: 'Ruth Lindqvist',
    presentingReason: 'Estrangement from her son Jonah; keeping close to her daughter Ada.',
    openedOn: cal.day(-90),
    members: [{ clientId: ruth.id, role: 'identified_client' }],
  });
  await schedule(cal, {
    clientId: ruth.id,
    caseId: alone.id,
    counselor: jordan,
    modality: 'individual',
    setting: 'in_person',
    startsAt: cal.at(1, '11:00'),
  });
  await schedule(cal, {
    clientId: ruth.id,
    counselor: jordan,
    modality: 'family',
    setting: 'telehealth',
    startsAt: cal.at(4, '11:00'),
  });

  await goalWithCheckIns(
    jordan,
    ruth.id,
    {
      parties: [CLIENT, member(jonah)],
      strategy: 'patience_and_time',
      description:
        'Ruth writes to Jonah without asking anything of him, and is ready to talk when he is.',
      baselineRating: 1,
      targetRating: 5,
      startDate: cal.day(-70),
      targetDate: cal.day(60),
      priority: 'medium',
    },
    [
      { occurredAt: cal.at(-63, '11:30'), ratings: [[CLIENT, 2]], note: 'First letter sent.' },
      {
        occurredAt: cal.at(-48, '11:30'),
        ratings: [[CLIENT, 3]],
        note: 'Jonah read it (his sister says); no reply.',
      },
      {
        occurredAt: cal.at(-34, '11:30'),
        ratings: [[CLIENT, 3]],
        note: 'Second letter drafted in session, not yet sent.',
      },
    ],
  );
  await goalWithCheckIns(
    jordan,
    ruth.id,
    {
      parties: [CLIENT, member(ada)],
      strategy: 'quality_time',
      description:
        'Ruth and Ada keep a standing Saturday lunch, and talk about Jonah only when Ada raises him.',
      baselineRating: 4,
      targetRating: 7,
      startDate: cal.day(-90),
      targetDate: cal.day(-7),
      priority: 'low',
    },
    [
      {
        occurredAt: cal.at(-20, '11:30'),
        ratings: [
          [CLIENT, 6],
          [member(ada), 5],
        ],
      },
      {
        occurredAt: cal.at(-6, '11:30'),
        ratings: [
          [CLIENT, 6],
          [member(ada), 6],
        ],
      },
    ],
  );
}
