import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createDirectory, parsePartnership, partnershipSchema, PartnershipFileError, type Partnership } from '../../review/partnership.js';
import { ROLES } from '../../review/roles.js';
import { DEFAULT_CLOCKS } from './fixtures.js';

const DEMO_FILE = fileURLToPath(new URL('../../partnership/demo.yaml', import.meta.url));
const DEMO_TEXT = readFileSync(DEMO_FILE, 'utf8');
const SOURCE = 'partnerships/test-partnership.yaml';

const SAM = '22222222-2222-4222-8222-222222222222';
const ALEX = '33333333-3333-4333-8333-333333333333';

/** A record in a partnership file, as YAML gives it: each field may be set to anything, to test the refusals. */
type Entry = Record<string, unknown>;

/** A partnership file's data, loosely typed so that each test can break one part of it. */
interface PartnershipData {
  agencies: Entry[];
  people: Entry[];
  panel: unknown;
  [field: string]: unknown;
}

/** A valid partnership as plain data: five people, so `people[3]` exists. */
function partnershipData(): PartnershipData {
  return {
    name: 'Test Partnership',
    nation: 'ENG',
    timezone: 'Europe/London',
    agencies: [
      { id: 'la', name: 'Local Authority', core: true },
      { id: 'police', name: 'Police', core: true },
      { id: 'education', name: 'Education' },
    ],
    people: [
      { name: 'Sam Patel', aadObjectId: SAM, roles: ['businessUnit'] },
      { name: 'Alex Jones', aadObjectId: ALEX, roles: ['lead'], agency: 'police' },
      { name: 'Priya Shah', aadObjectId: '44444444-4444-4444-8444-444444444444', roles: ['panelMember'], agency: 'la' },
      { name: 'Jo Reed', aadObjectId: '55555555-5555-4555-8555-555555555555', roles: ['independentChair'] },
      { name: 'Kim Lee', aadObjectId: '66666666-6666-4666-8666-666666666666', roles: ['admin', 'businessUnit'] },
    ],
    panel: { day: 25, cutoffDay: 15, quorum: 2 },
  };
}

/** Parses `data` written as JSON (which is YAML too). */
const parseData = (data: unknown) => parsePartnership(JSON.stringify(data), SOURCE);

/** The PartnershipFileError that parsing `text` throws. */
function fileError(text: string, source = SOURCE): PartnershipFileError {
  try {
    parsePartnership(text, source);
  } catch (err) {
    expect(err).toBeInstanceOf(PartnershipFileError);
    return err as PartnershipFileError;
  }
  throw new Error('expected the partnership file to be refused');
}

/** The problems reported for `data` changed by `change`. */
function problemsAfter(change: (data: PartnershipData) => void): string[] {
  const data = partnershipData();
  change(data);
  return fileError(JSON.stringify(data)).problems;
}

describe('parsePartnership', () => {
  it('reads the demo partnership file', () => {
    const demo = parsePartnership(DEMO_TEXT, DEMO_FILE);
    expect(demo.name).toBe('Example Safeguarding Partnership');
    expect(demo.nation).toBe('ENG');
    expect(demo.timezone).toBe('Europe/London');
    expect(demo.agencies.map((a) => a.id)).toEqual(['la', 'icb', 'police', 'mh', 'education', 'probation', 'housing']);
    expect(demo.agencies.filter((a) => a.core).map((a) => a.id)).toEqual(['la', 'icb', 'police', 'mh']);
    expect(demo.people).toHaveLength(17);
    expect(demo.agencies.find((a) => a.id === 'icb')?.collatesHealth).toBe(true);
    expect(demo.people.find((p) => p.name === 'Taylor Ward')).toMatchObject({ roles: [], agency: 'police' });
    expect(demo.people.find((p) => p.aadObjectId === ALEX)).toEqual({
      name: 'Alex Jones',
      aadObjectId: ALEX,
      roles: ['lead'],
      agency: 'police',
    });
    expect(demo.panel).toEqual({ day: 25, cutoffDay: 15, quorum: 2, hiddenVotes: true, businessUnitCloses: false });
    expect(demo.clocks).toEqual(DEFAULT_CLOCKS);
  });

  it('reads JSON too', () => {
    const parsed = parseData(partnershipData());
    expect(parsed.name).toBe('Test Partnership');
    expect(parsed.people.map((p) => p.name)).toContain('Kim Lee');
  });

  it('fills the defaults: timezone, core = false and the statutory clock lengths', () => {
    const data = partnershipData();
    delete data.timezone;
    const parsed = parseData(data);
    expect(parsed.timezone).toBe('Europe/London');
    expect(parsed.agencies.find((a) => a.id === 'education')?.core).toBe(false);
    expect(parsed.clocks).toEqual(DEFAULT_CLOCKS);
  });

  it("takes the partnership's own clock lengths, keeping defaults for the rest", () => {
    const parsed = parseData({ ...partnershipData(), clocks: { rapidReviewWorkingDays: 10, panelMinDaysAfterRequests: 14 } });
    expect(parsed.clocks).toEqual({ ...DEFAULT_CLOCKS, rapidReviewWorkingDays: 10, panelMinDaysAfterRequests: 14 });
  });

  it('accepts each of the four nations', () => {
    for (const nation of ['ENG', 'WLS', 'SCT', 'NIR']) expect(parseData({ ...partnershipData(), nation }).nation).toBe(nation);
  });

  describe("the panel's vote", () => {
    it('defaults to hidden votes, closed by the independent chair alone', () => {
      expect(parseData(partnershipData()).panel).toMatchObject({ quorum: 2, hiddenVotes: true, businessUnitCloses: false });
    });

    it('a quorum larger than the people who may vote is refused', () => {
      expect(problemsAfter((data) => (data.panel = { ...(data.panel as Entry), quorum: 3 }))).toEqual([
        'panel.quorum: the quorum is 3 but 2 people may vote (panelMember or independentChair)',
      ]);
    });

    it('more than 60 people voting or closing is refused: Teams refreshes a card for 60 at most', () => {
      const problems = problemsAfter((data) => {
        data.panel = { ...(data.panel as Entry), businessUnitCloses: true };
        for (let i = 0; i < 59; i++) {
          data.people.push({
            name: `Member ${i}`,
            aadObjectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
            roles: ['panelMember'],
          });
        }
      });
      expect(problems).toEqual(["people: 63 people vote on or close the panel's vote; Teams shows a card's own view to 60 at most"]);
    });
  });

  describe('panel dates', () => {
    const withPanel = (panelYaml: string) => `name: P\nnation: ENG\nagencies: [{ id: la, name: LA }]\npeople: []\n${panelYaml}\n`;

    it('unquoted YAML dates (2026-12-10) are read as dates', () => {
      const parsed = parsePartnership(withPanel('panel:\n  dates: [2026-12-10, 2027-01-14]'), SOURCE);
      expect(parsed.panel).toEqual({ dates: ['2026-12-10', '2027-01-14'], quorum: 3, hiddenVotes: true, businessUnitCloses: false });
    });

    it('YAML 1.1 timestamps, which the parser turns into Date objects, are read as dates', () => {
      const parsed = parsePartnership(`%YAML 1.1\n---\n${withPanel('panel:\n  dates: [2026-12-10, 2027-01-14]')}`, SOURCE);
      expect(parsed.panel).toEqual({ dates: ['2026-12-10', '2027-01-14'], quorum: 3, hiddenVotes: true, businessUnitCloses: false });
    });

    it('a Date given to the schema directly becomes its calendar date', () => {
      const result = partnershipSchema.safeParse({ ...partnershipData(), panel: { dates: [new Date('2026-12-10T00:00:00Z')], quorum: 2 } });
      expect(result.success && result.data.panel).toEqual({
        dates: ['2026-12-10'],
        quorum: 2,
        hiddenVotes: true,
        businessUnitCloses: false,
      });
    });

    it('quoted dates work too', () => {
      expect(parsePartnership(withPanel('panel: { dates: ["2026-12-10"] }'), SOURCE).panel).toEqual({
        dates: ['2026-12-10'],
        quorum: 3,
        hiddenVotes: true,
        businessUnitCloses: false,
      });
    });

    it.each([
      ['a word', 'monthly'],
      ['a number', 25],
      ['a monthly rule without its cut-off', { day: 25 }],
      ['a monthly rule and a list at once', { day: 25, cutoffDay: 15, dates: ['2026-12-10'] }],
      ['a list with an impossible date', { dates: ['2026-02-30'] }],
    ])('a panel given as %s fails at `panel`', (_what, panel) => {
      const problems = problemsAfter((data) => {
        data.panel = panel;
      });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^panel(\.|:)/);
    });

    it.each([
      ['monthly', 'panel: give { day, cutoffDay } for a monthly panel, or { dates: [...] } for listed dates'],
      [{ day: 25 }, 'panel.cutoffDay: required for a monthly panel'],
      [{ dates: ['2026-02-30'] }, 'panel.dates[0]: must be a date written YYYY-MM-DD'],
      [
        { day: 25, cutoffDay: 15, dates: ['2026-12-10'] },
        'panel: not both: give { day, cutoffDay } for a monthly panel, or { dates: [...] } for listed dates',
      ],
      [{ day: 32, cutoffDay: 15 }, 'panel.day: Number must be less than or equal to 31'],
    ])('a panel of %j says what is allowed', (panel, message) => {
      expect(problemsAfter((data) => (data.panel = panel))).toEqual([message]);
    });

    it('an empty list of dates fails at `panel.dates`', () => {
      expect(problemsAfter((data) => (data.panel = { dates: [] }))).toEqual(['panel.dates: list at least one panel date']);
    });
  });

  describe('errors name the path and what is allowed', () => {
    it('an unknown role: `people[3].roles[0]`, listing the allowed roles', () => {
      const problems = problemsAfter((data) => {
        data.people[3]!.roles = ['chair'];
      });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^people\[3\]\.roles\[0\]: /);
      for (const role of ROLES) expect(problems[0]).toContain(role);
      expect(problems[0]).toContain('chair');
    });

    it('nation "UK": at `nation`, listing the four nations', () => {
      const [problem, ...rest] = problemsAfter((data) => {
        data.nation = 'UK';
      });
      expect(rest).toEqual([]);
      expect(problem).toMatch(/^nation: /);
      for (const nation of ['ENG', 'WLS', 'SCT', 'NIR', 'UK']) expect(problem).toContain(nation);
    });

    it('an unknown agency: `people[1].agency`, listing the allowed ids', () => {
      const problems = problemsAfter((data) => {
        data.people[1]!.agency = 'fire';
      });
      expect(problems).toEqual(['people[1].agency: unknown agency "fire"; allowed: la, police, education']);
    });

    it('a lead without an agency', () => {
      const problems = problemsAfter((data) => {
        delete data.people[1]!.agency;
      });
      expect(problems).toEqual(['people[1].agency: a lead must name their agency']);
    });

    it('the same person twice, even with the id in another case', () => {
      const problems = problemsAfter((data) => {
        data.people.push({ name: 'Sam P.', aadObjectId: SAM.toUpperCase(), roles: ['panelMember'] });
      });
      expect(problems).toEqual(['people[5].aadObjectId: this person is listed twice']);
    });

    it('an approver who is not listed: `approvers.dhr`', () => {
      const problems = problemsAfter((data) => {
        data.approvers = { dhr: '00000000-0000-4000-8000-000000000000' };
      });
      expect(problems).toEqual(['approvers.dhr: the approver must be one of the people listed']);
    });

    it('a fast-track member who is not listed, and a quorum the subgroup cannot reach', () => {
      const problems = problemsAfter((data) => {
        data.fastTrack = { members: [SAM, '00000000-0000-4000-8000-000000000000'], quorum: 3 };
      });
      expect(problems).toEqual([
        'fastTrack.members[1]: each member must be one of the people listed',
        'fastTrack.quorum: the quorum is 3 but the subgroup has 2 members',
      ]);
    });

    it("a kind's panel: an unlisted member or chair, an unreachable quorum, a channel that is not a Teams channel id", () => {
      const problems = problemsAfter((data) => {
        data.panels = {
          sar: { name: 'SAR Panel', members: [SAM], quorum: 1, channel: 'General' },
        };
      });
      expect(problems).toEqual(['panels.sar.channel: must be a Teams channel id, such as 19:abc123@thread.tacv2']);
      const listed = problemsAfter((data) => {
        data.panels = {
          sar: {
            name: 'SAR Panel',
            members: [SAM, '00000000-0000-4000-8000-000000000000'],
            quorum: 3,
            chair: '00000000-0000-4000-8000-000000000001',
          },
        };
      });
      expect(listed).toEqual([
        'panels.sar.members[1]: each member must be one of the people listed',
        'panels.sar.chair: the chair must be one of the people listed',
        'panels.sar.quorum: the quorum is 3 but the panel has 2 members',
      ]);
    });

    it("a review's plan: an unknown step, a share outside 0 to 1, a step twice, an outcome with no review", () => {
      const problems = problemsAfter((data) => {
        data.plans = {
          partnership: [
            { step: 'termsOfReference', at: 0.1 },
            { step: 'tea', at: 0.2 },
            { step: 'signOff', at: 1.5 },
            { step: 'termsOfReference', at: 0.3 },
          ],
          noReview: [{ step: 'signOff', at: 1 }],
        };
      });
      expect(problems).toEqual([
        expect.stringMatching(/^plans\.partnership\[1\]\.step: Invalid enum value/),
        expect.stringMatching(/^plans\.partnership\[2\]\.at: /),
        expect.stringMatching(/^plans: Unrecognized key\(s\) in object: 'noReview'/),
      ]);
      const twice = problemsAfter((data) => {
        data.plans = {
          singleAgency: [
            { step: 'draftReport', at: 0.5 },
            { step: 'draftReport', at: 0.8 },
          ],
        };
      });
      expect(twice).toEqual(['plans.singleAgency[1].step: "draftReport" is listed twice']);
    });

    it('duplicate agency ids', () => {
      const problems = problemsAfter((data) => {
        data.agencies.push({ id: 'police', name: 'Police (second)' });
      });
      expect(problems).toEqual(['agencies[3].id: duplicate agency id "police"']);
    });

    it('an agency id that is not lower-case letters, digits and dashes', () => {
      const problems = problemsAfter((data) => {
        data.agencies[2]!.id = 'Education Dept';
      });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^agencies\[2\]\.id: .*lower-case/);
    });

    it('a bad timezone', () => {
      const problems = problemsAfter((data) => {
        data.timezone = 'London';
      });
      expect(problems).toEqual(['timezone: must be an IANA timezone such as Europe/London']);
    });

    it('an aadObjectId that is not a GUID', () => {
      const problems = problemsAfter((data) => {
        data.people[0]!.aadObjectId = 'sam.patel@example.org';
      });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^people\[0\]\.aadObjectId: .*GUID/);
    });

    it('a person with neither roles nor an agency', () => {
      expect(problemsAfter((data) => (data.people[0]!.roles = []))).toEqual([
        'people[0].roles: list at least one role, or the agency of a colleague',
      ]);
    });

    it('a colleague listed with an agency and no roles, to whom a lead can hand a request', () => {
      const data = partnershipData();
      data.people[1]!.roles = [];
      expect(parseData(data).people[1]).toMatchObject({ name: 'Alex Jones', roles: [], agency: 'police' });
    });

    it('a key the file does not know', () => {
      const problems = problemsAfter((data) => {
        data.colour = 'blue';
      });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('colour');
    });

    it('a clock length out of range', () => {
      const problems = problemsAfter((data) => {
        data.clocks = { rapidReviewWorkingDays: 0 };
      });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^clocks\.rapidReviewWorkingDays: /);
    });

    it('reports every problem at once, one line each', () => {
      const problems = problemsAfter((data) => {
        data.timezone = 'Mars/Olympus';
        data.people[0]!.aadObjectId = 'not-a-guid';
        data.people[3]!.roles = ['chair'];
      });
      expect(problems.map((p) => p.split(':')[0])).toEqual(['timezone', 'people[0].aadObjectId', 'people[3].roles[0]']);
    });
  });

  describe('the error', () => {
    it('is a PartnershipFileError whose message names the file and lists the problems', () => {
      const data = partnershipData();
      data.nation = 'UK';
      const err = fileError(JSON.stringify(data), 'config/partnership.yaml');
      expect(err.name).toBe('PartnershipFileError');
      expect(err).toBeInstanceOf(Error);
      expect(err.source).toBe('config/partnership.yaml');
      expect(err.message).toContain('config/partnership.yaml');
      expect(err.message).toContain(err.problems[0]);
    });

    it('reports invalid YAML with the source name', () => {
      const err = fileError('name: [unclosed', 'partnership/broken.yaml');
      expect(err.message).toContain('partnership/broken.yaml');
      expect(err.problems).toHaveLength(1);
      expect(err.problems[0]).toMatch(/^not valid YAML or JSON: /);
    });

    it('reports an empty file as a problem at the top level', () => {
      const err = fileError('', 'partnership/empty.yaml');
      expect(err.message).toContain('partnership/empty.yaml');
      expect(err.problems[0]).toMatch(/^\(top level\): /);
    });
  });
});

describe('createDirectory', () => {
  const partnership: Partnership = parseData(partnershipData());
  const directory = createDirectory(partnership);

  it('finds a person by their Entra object id, whatever its case', () => {
    expect(directory.find(SAM)?.name).toBe('Sam Patel');
    expect(directory.find(SAM.toUpperCase())?.name).toBe('Sam Patel');
  });

  it('finds nobody for no id, or for someone not listed', () => {
    expect(directory.find(undefined)).toBeUndefined();
    expect(directory.find('')).toBeUndefined();
    expect(directory.find('11111111-1111-4111-8111-111111111111')).toBeUndefined();
  });

  it('finds a person listed in upper case by a lower-case id', () => {
    const data = partnershipData();
    data.people[0]!.aadObjectId = 'ABCDEF12-3456-4789-8ABC-DEF123456789';
    const upper = createDirectory(parseData(data));
    expect(upper.find('abcdef12-3456-4789-8abc-def123456789')?.name).toBe('Sam Patel');
    expect(upper.hasRole('abcdef12-3456-4789-8abc-def123456789', 'businessUnit')).toBe(true);
  });

  it('hasRole says whether a person holds a role', () => {
    expect(directory.hasRole(SAM, 'businessUnit')).toBe(true);
    expect(directory.hasRole(SAM.toUpperCase(), 'businessUnit')).toBe(true);
    expect(directory.hasRole(SAM, 'lead')).toBe(false);
    expect(directory.hasRole(ALEX, 'lead')).toBe(true);
    expect(directory.hasRole('66666666-6666-4666-8666-666666666666', 'admin')).toBe(true);
    expect(directory.hasRole('66666666-6666-4666-8666-666666666666', 'businessUnit')).toBe(true);
  });

  it('hasRole is false for someone not listed, or no id', () => {
    expect(directory.hasRole('11111111-1111-4111-8111-111111111111', 'businessUnit')).toBe(false);
    expect(directory.hasRole(undefined, 'businessUnit')).toBe(false);
  });
});
