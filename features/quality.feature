# language: sv
Egenskap: Q – Kvalitetsgarantier
  Åtaganden som riktar sig direkt till brukare ska utformas som kvalitetsgarantier med system för
  rättelse och besked om vart brukaren vänder sig med synpunkter och klagomål (tjänsteutlåtandet
  om enheternas verksamhetsplaner och kvalitetsgarantier 2009).

  Bakgrund:
    Givet en fullständig verksamhetsplan för 2012
    Och att planens fält inriktningsmål[0].mål[0].nämndmål[0].åtaganden[1].id är AT-HANDLINGAR

  Regel: Q1 En brukarnära enhet har minst en kvalitetsgaranti

    @Q1
    Scenario: En brukarnära enhet utan kvalitetsgaranti ger en varning
      Givet att planens fält brukarnära är true
      När planen kontrolleras
      Så ges fyndet Q1 för planen
      Och fyndet har allvarlighetsgraden varning

    @Q1
    Scenario: En brukarnära enhet med en kvalitetsgaranti håller
      Givet att planens fält brukarnära är true
      Och att planens fält kvalitetsgarantier är:
        """
        - titel: Du får allmänna handlingar snabbt
          vad_du_kan_förvänta_dig: Du får en begärd handling inom 2 arbetsdagar.
          rättelse: Får du den senare ringer registratorn upp dig och förklarar varför.
          synpunkter_och_klagomål: Kontakta registratorn på telefon 08-508 00 000.
          åtagande: AT-HANDLINGAR
        """
      När planen kontrolleras
      Så ges inget fynd Q1

    @Q1
    Scenario: En enhet som inte möter brukare behöver ingen kvalitetsgaranti
      När planen kontrolleras
      Så ges inget fynd Q1

  Regel: Q2 Garantin säger konkret vad brukaren kan förvänta sig

    @Q2
    Scenario: En garanti utan något mätbart ger en varning
      Givet att planens fält kvalitetsgarantier är:
        """
        - titel: Du får ett gott bemötande
          vad_du_kan_förvänta_dig: Du blir väl bemött.
          rättelse: Vi ber om ursäkt och rättar till det.
          synpunkter_och_klagomål: Kontakta enhetschefen.
          åtagande: AT-HANDLINGAR
        """
      När planen kontrolleras
      Så ges fyndet Q2 för kvalitetsgarantin "Du får ett gott bemötande"

    @Q2
    Scenario: En garanti med ett tal håller
      Givet att planens fält kvalitetsgarantier är:
        """
        - titel: Du får svar snabbt
          vad_du_kan_förvänta_dig: Du får svar inom 5 arbetsdagar.
          rättelse: Vi ber om ursäkt och svarar samma dag som vi upptäcker förseningen.
          synpunkter_och_klagomål: Kontakta enhetschefen.
          åtagande: AT-HANDLINGAR
        """
      När planen kontrolleras
      Så ges inget fynd Q2

  Regel: Q3 Garantin anger rättelse

    @Q3
    Scenario: En garanti utan rättelse ger ett fel
      Givet att planens fält kvalitetsgarantier är:
        """
        - titel: Du får svar snabbt
          vad_du_kan_förvänta_dig: Du får svar inom 5 arbetsdagar.
          synpunkter_och_klagomål: Kontakta enhetschefen.
          åtagande: AT-HANDLINGAR
        """
      När planen kontrolleras
      Så ges fyndet Q3 för kvalitetsgarantin "Du får svar snabbt"
      Och fyndet har allvarlighetsgraden fel

    @Q3
    Scenario: En garanti med rättelse håller
      Givet att planens fält kvalitetsgarantier är:
        """
        - titel: Du får svar snabbt
          vad_du_kan_förvänta_dig: Du får svar inom 5 arbetsdagar.
          rättelse: Vi ber om ursäkt och svarar samma dag som vi upptäcker förseningen.
          synpunkter_och_klagomål: Kontakta enhetschefen.
          åtagande: AT-HANDLINGAR
        """
      När planen kontrolleras
      Så ges inget fynd Q3

  Regel: Q4 Garantin anger vart brukaren vänder sig med synpunkter och klagomål

    @Q4
    Scenario: En garanti utan besked om synpunkter och klagomål ger ett fel
      Givet att planens fält kvalitetsgarantier är:
        """
        - titel: Du får svar snabbt
          vad_du_kan_förvänta_dig: Du får svar inom 5 arbetsdagar.
          rättelse: Vi ber om ursäkt och svarar samma dag.
          åtagande: AT-HANDLINGAR
        """
      När planen kontrolleras
      Så ges fyndet Q4 för kvalitetsgarantin "Du får svar snabbt"

    @Q4
    Scenario: En garanti med besked om synpunkter och klagomål håller
      Givet att planens fält kvalitetsgarantier är:
        """
        - titel: Du får svar snabbt
          vad_du_kan_förvänta_dig: Du får svar inom 5 arbetsdagar.
          rättelse: Vi ber om ursäkt och svarar samma dag.
          synpunkter_och_klagomål: Lämna dina synpunkter på stadens webbplats eller till enhetschefen.
          åtagande: AT-HANDLINGAR
        """
      När planen kontrolleras
      Så ges inget fynd Q4

  Regel: Q5 Garantin är kopplad till ett åtagande

    @Q5
    Scenario: En garanti som hänvisar till ett åtagande som inte finns ger en varning
      Givet att planens fält kvalitetsgarantier är:
        """
        - titel: Du får svar snabbt
          vad_du_kan_förvänta_dig: Du får svar inom 5 arbetsdagar.
          rättelse: Vi ber om ursäkt och svarar samma dag.
          synpunkter_och_klagomål: Kontakta enhetschefen.
          åtagande: AT-FINNS-INTE
        """
      När planen kontrolleras
      Så ges fyndet Q5 för kvalitetsgarantin "Du får svar snabbt"
      Och fyndets meddelande nämner "angivet: AT-FINNS-INTE"

    @Q5
    Scenario: En garanti kopplad till ett av planens åtaganden håller
      Givet att planens fält kvalitetsgarantier är:
        """
        - titel: Du får svar snabbt
          vad_du_kan_förvänta_dig: Du får svar inom 5 arbetsdagar.
          rättelse: Vi ber om ursäkt och svarar samma dag.
          synpunkter_och_klagomål: Kontakta enhetschefen.
          åtagande: AT-HANDLINGAR
        """
      När planen kontrolleras
      Så ges inget fynd Q5
