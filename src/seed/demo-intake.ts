import type { StoryContext } from './demo-story';

const CONSENTS = [
  { key: 'treatment', version: '2026-01' },
  { key: 'privacy', version: '2026-01' },
  { key: 'telehealth', version: '2026-01' },
];

/**
 * The intake queue: two new enquiries taken by phone, and Elena Marsh asking for sessions of her
 * own — the same name and date of birth as the client she is, so the queue flags the duplicate.
 */
export async function seedIntakeQueue({ cast }: StoryContext): Promise<void> {
  const submissions = [
    {
      client: {
        firstName: 'Priya',
        lastName: 'Raman',
        dateOfBirth: '1993-07-30',
        pronouns: 'she/her',
      },
      presentingConcerns: ['trust_after_betrayal'],
      trustIndicators: ['suspicion'],
      familyMembers: [
        { firstName: 'Arjun', lastName: 'Raman', relationship: 'partner', shouldTakePart: true },
      ],
      preferredModality: 'couple',
      availability: 'Weekday evenings.',
      reasonForSeekingHelp:
        'Arjun found out about an emotional affair; we both want to stay together.',
      emergencyContact: { name: 'Meera Raman', phone: '+1 555 0142', relationship: 'sibling' },
    },
    {
      client: {
        firstName: 'Hannah',
        lastName: 'Weiss',
        dateOfBirth: '1979-11-11',
        pronouns: 'she/her',
      },
      presentingConcerns: ['grief', 'parent_child_conflict'],
      familyMembers: [
        { firstName: 'Noah', lastName: 'Weiss', relationship: 'son', shouldTakePart: true },
      ],
      preferredModality: 'family',
      reasonForSeekingHelp: 'Since my husband died, my son and I mostly argue or say nothing.',
      emergencyContact: { name: 'Lea Weiss', phone: '+1 555 0177', relationship: 'sibling' },
    },
    {
      client: {
        firstName: 'Elena',
        lastName: 'Marsh',
        dateOfBirth: '1986-02-03',
        pronouns: 'she/her',
      },
      presentingConcerns: ['trust_after_betrayal'],
      preferredModality: 'individual',
      reasonForSeekingHelp: 'I would like some sessions on my own, alongside the couple sessions.',
      emergencyContact: {
        name: 'Carmen Ortiz',
        phone: '+1 555 0163',
        relationship: 'friend_support',
      },
    },
  ];
  for (const submission of submissions) {
    await cast.intake.post('/intake-submissions', { ...submission, consents: CONSENTS });
  }
}
