import { csvField, csvRecord } from './csv';

describe('csv', () => {
  describe('csvField', () => {
    it('leaves plain values as they are', () => {
      expect(csvField('read')).toBe('read');
      expect(csvField(42)).toBe('42');
      expect(csvField(true)).toBe('true');
    });

    it('writes null and undefined as empty fields', () => {
      expect(csvField(null)).toBe('');
      expect(csvField(undefined)).toBe('');
    });

    it('quotes fields with commas, quotes, line breaks or edge spaces, doubling quotes', () => {
      expect(csvField('a,b')).toBe('"a,b"');
      expect(csvField('say "hi"')).toBe('"say ""hi"""');
      expect(csvField('line\nbreak')).toBe('"line\nbreak"');
      expect(csvField('cr\rlf')).toBe('"cr\rlf"');
      expect(csvField(' padded ')).toBe('" padded "');
      expect(csvField(' lead')).toBe('" lead"');
      expect(csvField('trail\t')).toBe('"trail\t"');
      expect(csvField('in between')).toBe('in between');
    });

    it('neutralises cells a spreadsheet would run as a formula', () => {
      expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
      expect(csvField('+1')).toBe("'+1");
      expect(csvField('-2')).toBe("'-2");
      expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
      expect(csvField('\tcmd')).toBe("'\tcmd");
      expect(csvField('\rcmd')).toBe(`"'\rcmd"`);
      expect(csvField('a=b+c-d@e')).toBe('a=b+c-d@e');
      expect(csvField(-2)).toBe('-2');
    });
  });

  it('joins a record with commas and ends it with CRLF', () => {
    expect(csvRecord(['a', null, 'b,c', 3])).toBe('a,,"b,c",3\r\n');
  });
});
