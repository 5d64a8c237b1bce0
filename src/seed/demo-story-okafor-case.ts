import type { DemoCaller } from './demo-api';
import type { DemoCalendar } from './demo-calendar';

/** Chidi's and Maya's ratings two weeks apart, since he stepped out of the go-between role. */
const FORTNIGHTS: [chidi: number, maya: number, note?: string][] = [
  [3, 4, 'Chidi: "I am done passing messages." Maya relieved, a little hurt.'],
  [4, 5],
  [5, 5, 'They met for coffee on their own, the first time in a year.'],
  [5, 6],
];

/**
 * What the Okafor family case holds itself, not any one chart: the household agreement among
 * Maya, Grace and Chidi, and Maya's and Chidi's goal of talking as siblings again. Kept quiet on
 * purpose (acknowledged, reviewed in two months, checked in on recently), so the dashboards show
 * it only where the case's care team looks for it.
 */
export async function seedOkaforCaseRecords(
  jordan: DemoCaller,
  cal: DemoCalendar,
  caseId: string,
  persons: { maya: string; grace: string; chidi: string },
): Promise<void> {
  const person = (personId: string) => ({ party: 'person', personId });
  const [maya, grace, chidi] = [person(persons.maya), person(persons.grace), person(persons.chidi)];

  const path = `/cases/${caseId}/boundary-agreements`;
  const agreement = await jordan.post<{ id: string }>(path, {
    title: 'Family messages go direct',
    parties: [maya, grace, chidi],
    facilitatorId: jordan.id,
    reviewDate: cal.day(60),
    items: [
      {
        category: 'communication',
        setBy: chidi,
        boundary: 'I do not carry messages between Maya and Mom.',
        expectation: 'Maya and Grace say what they need to each other.',
        responseIfCrossed: 'Chidi says "tell her yourself" and we bring it to the next session.',
      },
      {
        category: 'communication',
        setBy: grace,
        boundary: 'Family news is shared with all three of us.',
        expectation: 'No secrets kept through one sibling from the other.',
        responseIfCrossed: 'We name it at the next family session.',
      },
    ],
  });
  const at = `${path}/${agreement.id}`;
  await jordan.post(`${at}/status`, { status: 'proposed' });
  for (const party of [maya, grace, chidi]) {
    await jordan.post(`${at}/acknowledgments`, {
      party,
      method: 'in_session',
      acknowledgedAt: cal.at(-21, '17:45'),
    });
  }
  await jordan.post(`${at}/status`, { status: 'active' });

  const goals = `/cases/${caseId}/trust-goals`;
  const goal = await jordan.post<{ id: string }>(goals, {
    parties: [chidi, maya],
    strategy: 'open_and_honest_communication',
    description:
      'Chidi and Maya talk as brother and sister again, without Chidi as the go-between.',
    baselineRating: 3,
    targetRating: 7,
    startDate: cal.day(-56),
    targetDate: cal.day(84),
    lifecycleStatus: 'active',
  });
  for (const [index, [chidiRating, mayaRating, note]] of FORTNIGHTS.entries()) {
    await jordan.post(`${goals}/${goal.id}/check-ins`, {
      occurredAt: cal.at(-43 + index * 14, '17:30'),
      ratings: [
        { ...chidi, rating: chidiRating },
        { ...maya, rating: mayaRating },
      ],
      note,
    });
  }
}
