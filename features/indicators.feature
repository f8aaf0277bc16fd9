# language: sv
Egenskap: I – Indikatorer
  En enhet som rapporterar en indikator sätter ett årsmål för den, och indikatorn har en
  periodicitet som styr när den rapporteras.

  Bakgrund:
    Givet en fullständig verksamhetsplan för 2012

  Regel: I1 Varje indikator som enheten rapporterar har ett årsmål

    @I1
    Scenario: En indikator utan årsmål ger ett fel
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Andel fakturor som betalas i tid
        kf_årsmål: 98 %
        periodicitet: Tertial
        """
      När planen kontrolleras
      Så ges fyndet I1 för indikatorn "Andel fakturor som betalas i tid"
      Och fyndets meddelande nämner "98 %"

    @I1
    Scenario: En indikator med årsmål uppfyller kravet
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Andel fakturor som betalas i tid
        årsmål: 98 %
        kf_årsmål: 98 %
        periodicitet: Tertial
        """
      När planen kontrolleras
      Så ges inget fynd I1

    @I1
    Scenario: En indikator som enheten inte rapporterar behöver inget årsmål
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Nämndens andel indikatorer med hög måluppfyllelse
        rapporteras_av_enheten: false
        periodicitet: År
        """
      När planen kontrolleras
      Så ges inget fynd I1

  Regel: I2 Varje indikator har periodiciteten Månad, Tertial, Halvår eller År

    @I2
    Scenario: En indikator med okänd periodicitet ger ett fel
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Andel fakturor som betalas i tid
        årsmål: 98 %
        periodicitet: Vecka
        """
      När planen kontrolleras
      Så ges fyndet I2 för indikatorn "Andel fakturor som betalas i tid"
      Och fyndets meddelande nämner "Vecka"

    @I2
    Scenario: En indikator utan periodicitet ger ett fel
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Andel fakturor som betalas i tid
        årsmål: 98 %
        """
      När planen kontrolleras
      Så ges fyndet I2 för indikatorn "Andel fakturor som betalas i tid"

    @I2
    Scenario: En indikator med periodiciteten Halvår uppfyller kravet
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Andel fakturor som betalas i tid
        årsmål: 98 %
        periodicitet: Halvår
        """
      När planen kontrolleras
      Så ges inget fynd I2

  Regel: I3 Årsmålet är inte svagare än KF:s årsmål

    @I3
    Scenario: Ett lägre årsmål än KF:s när högre är bättre ger en varning
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Andel nöjda företagare
        årsmål: 30 %
        kf_årsmål: 35 %
        riktning: högre
        periodicitet: År
        """
      När planen kontrolleras
      Så ges fyndet I3 för indikatorn "Andel nöjda företagare"
      Och fyndets meddelande är "Indikatorn "Andel nöjda företagare" har årsmålet 30 %, svagare än KF:s årsmål 35 % (högre är bättre)."

    @I3
    Scenario: Ett högre årsmål än KF:s när lägre är bättre ger en varning
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Sjukfrånvaro
        årsmål: 6,5
        kf_årsmål: 5,9
        riktning: lägre
        periodicitet: Tertial
        """
      När planen kontrolleras
      Så ges fyndet I3 för indikatorn "Sjukfrånvaro"

    @I3
    Scenario: Ett årsmål minst lika högt som KF:s håller
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Andel nöjda företagare
        årsmål: minst 40 %
        kf_årsmål: 35 %
        riktning: högre
        periodicitet: År
        """
      När planen kontrolleras
      Så ges inget fynd I3

    @I3
    Scenario: Utan angiven riktning läses den ur KF:s årsmål "minst"
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Andel elever med godkända betyg
        årsmål: 80 %
        kf_årsmål: minst 85 %
        periodicitet: År
        """
      När planen kontrolleras
      Så ges fyndet I3 för indikatorn "Andel elever med godkända betyg"
      Och fyndets meddelande nämner "(högre är bättre)"

    @I3
    Scenario: Utan angiven riktning läses den ur ett namn vars riktning aldrig är oviss
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Sjukfrånvaro bland medarbetarna
        årsmål: 7,5
        kf_årsmål: 6,0
        periodicitet: Tertial
        """
      När planen kontrolleras
      Så ges fyndet I3 för indikatorn "Sjukfrånvaro bland medarbetarna"
      Och fyndets meddelande nämner "(lägre är bättre)"

    @I3
    Scenario: När riktningen inte säkert går att läsa kan regeln inte bedöma
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Antal besök på biblioteket
        årsmål: 40000
        kf_årsmål: 45000
        periodicitet: År
        """
      När planen kontrolleras
      Så ges inget fynd I3
      Och kunde regeln I3 inte bedöma indikatorn "Antal besök på biblioteket"

  Regel: I4 Årsmålet är ett mål, inte en platshållare

    @I4
    Scenario: Årsmålet "Fastställs 2012" ger en varning
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Nämndens prognossäkerhet
        årsmål: Fastställs 2012
        periodicitet: Tertial
        """
      När planen kontrolleras
      Så ges fyndet I4 för indikatorn "Nämndens prognossäkerhet"
      Och fyndet har allvarlighetsgraden varning

    @I4
    Scenario: Årsmålet "Årsmålet tas fram av nämnden" ger en varning
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Nämndens prognossäkerhet
        årsmål: Årsmålet tas fram av nämnden
        periodicitet: Tertial
        """
      När planen kontrolleras
      Så ges fyndet I4 för indikatorn "Nämndens prognossäkerhet"

    @I4
    Scenario: Ett årsmål med ett tal håller
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Nämndens prognossäkerhet
        årsmål: ±1 %
        periodicitet: Tertial
        """
      När planen kontrolleras
      Så ges inget fynd I4
